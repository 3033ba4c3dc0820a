import { toMessageObject } from "../../domain/message.ts";
import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { simulateInbound as simulate } from "../../services/inbound.ts";
import type * as routes from "./test-helpers.routes.ts";

export const simulateInbound: AppRouteHandler<typeof routes.simulateInbound> = async (c) => {
  const result = await simulate(c.env, c.var.control, c.get("account"), c.req.valid("json"));
  if (!result.ok) throw errors.problem(result.problem);
  return c.json(toMessageObject(result.value), 201);
};
