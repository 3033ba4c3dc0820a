import { toUsageObject } from "../../domain/usage.ts";
import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { accountUsage } from "../../services/usage.ts";
import type * as routes from "./usage.routes.ts";

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { start, end, group_by: grouping } = c.req.valid("query");
  const result = await accountUsage(c.env, c.get("account"), { start, end, ...grouping });
  if (!result.ok) throw errors.problem(result.problem);
  return c.json({ object: "list" as const, data: result.value.map((row) => toUsageObject(row, grouping.metadataKey)) }, 200);
};
