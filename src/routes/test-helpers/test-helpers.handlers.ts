import { simulateInboundSchema } from "../../domain/inbound.ts";
import { toMessageObject } from "../../domain/message.ts";
import { validBody } from "../../http/body.ts";
import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { simulateInbound as simulate } from "../../services/inbound.ts";
import type * as routes from "./test-helpers.routes.ts";

export const simulateInbound: AppRouteHandler<typeof routes.simulateInbound> = async (c) => {
  const account = c.get("account");
  // Test helpers are for test mode only: to a live key they do not exist.
  if (account.mode !== "test") throw errors.routeNotFound(c.req.method, c.req.path);
  const result = await simulate(c.env, account, await validBody(c, simulateInboundSchema));
  if (!result.ok) throw errors.problem(result.problem);
  return c.json(toMessageObject(result.value), 201);
};
