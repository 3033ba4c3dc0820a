import type { Account } from "../../domain/account.ts";
import { geoCountries, numberTypeSettings } from "../../domain/geo.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { changeGeoPermissions } from "../../services/account-settings.ts";
import type * as routes from "./geo-permissions.routes.ts";

function toGeoPermissions(account: Account) {
  return { object: "geo_permissions" as const, countries: geoCountries(account), number_types: numberTypeSettings(account) };
}

export const retrieve: AppRouteHandler<typeof routes.retrieve> = (c) => c.json(toGeoPermissions(c.get("account")), 200);

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const { countries } = c.req.valid("json");
  return c.json(toGeoPermissions(await changeGeoPermissions(c.var.control, c.get("account"), countries)), 200);
};
