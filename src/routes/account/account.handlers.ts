import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { rollSigningSecret } from "../../services/account.ts";
import { changeAccountSettings } from "../../services/account-settings.ts";
import { startSpendCount } from "../../services/spend-start.ts";
import { toAccountObject } from "./account.object.ts";
import type * as routes from "./account.routes.ts";

export const retrieve: AppRouteHandler<typeof routes.retrieve> = (c) => c.json(toAccountObject(c.get("account")), 200);

export const rollSecret: AppRouteHandler<typeof routes.rollSecret> = async (c) => {
  // Its body takes no parameters: the router has refused any it held.
  const updated = await rollSigningSecret(c.env, c.var.control, c.get("account"));
  return c.json(toAccountObject(updated), 200);
};

export const update: AppRouteHandler<typeof routes.update> = async (c) => {
  const input = c.req.valid("json");
  const result = await changeAccountSettings(c.var.control, c.get("account"), {
    ...(input.inbound_callback === undefined ? {} : { inboundCallback: input.inbound_callback }),
    ...(input.recipient_limits ? { recipientLimitPerHour: input.recipient_limits.per_hour } : {}),
    ...(input.retention_days === undefined ? {} : { retentionDays: input.retention_days }),
    ...(input.spend_limits?.daily === undefined ? {} : { spendLimitDaily: input.spend_limits.daily }),
    ...(input.spend_limits?.monthly === undefined ? {} : { spendLimitMonthly: input.spend_limits.monthly }),
    ...(input.usage_alerts === undefined ? {} : { usageAlerts: input.usage_alerts }),
    ...(input.verification_limits ? { verificationPrefixLimitPerHour: input.verification_limits.per_prefix_per_hour } : {}),
  });
  if (!result.ok) throw errors.problem(result.problem);
  if (input.spend_limits !== undefined || input.usage_alerts !== undefined) await startSpendCount(c.env, result.value);
  return c.json(toAccountObject(result.value), 200);
};
