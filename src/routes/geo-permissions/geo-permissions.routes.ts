import { createRoute } from "@hono/zod-openapi";
import { updateGeoPermissionsSchema } from "../../domain/geo.ts";
import { apiKey } from "../../http/auth.ts";
import { authErrors, bodyErrors, commonErrors } from "../../http/openapi-schemas.ts";
import { jsonOrForm } from "../../http/request-body.ts";
import { GeoPermissionsSchema } from "./geo-permissions.schemas.ts";

const answer = (description: string) => ({ content: { "application/json": { schema: GeoPermissionsSchema } }, description });

export const retrieve = createRoute({
  method: "get",
  path: "/v1/geo_permissions",
  operationId: "retrieveGeoPermissions",
  tags: ["Account"],
  summary: "List the countries the account may message",
  description:
    "Every country with its calling code, whether SMS and WhatsApp messages to it may be created, and whether it is on the high-risk list (blocked until allowed); and the number types the account may message.",
  middleware: apiKey(),
  responses: { 200: answer("The account's geo permissions"), ...authErrors },
});

export const update = createRoute({
  method: "post",
  path: "/v1/geo_permissions",
  operationId: "updateGeoPermissions",
  tags: ["Account"],
  summary: "Allow or block countries",
  description:
    "Sets the countries given (`countries[NG]=allowed`, `countries[RU]=blocked`); the others keep their setting. A create to a blocked country is a 400 `destination_country_blocked`. Number types are changed by the operator only.",
  request: { body: jsonOrForm(updateGeoPermissionsSchema, { countries: { NG: "allowed" } }) },
  middleware: apiKey(),
  responses: { 200: answer("The account's geo permissions, changed"), ...commonErrors, ...bodyErrors },
});
