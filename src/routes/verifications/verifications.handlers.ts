import type { z } from "zod";
import { errors } from "../../http/errors.ts";
import { listEnvelope, pageFilters, requestedCursor } from "../../http/pagination.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import {
  cancelVerification,
  checkRecipient,
  checkVerification,
  createVerification,
  listAccountVerifications,
  resendVerification,
  retrieveVerification,
  VERIFICATION_ID,
  verificationTestCode,
} from "../../services/verifications.ts";
import type * as routes from "./verifications.routes.ts";
import { VerificationFiltersSchema } from "./verifications.schemas.ts";

const notFound = (id: string) => errors.notFound("verification", id);

/** A verification that has ended: a 409 naming its status. */
function ended(id: string, status: string, action: string) {
  return errors.problem(
    { param: "id", code: "verification_not_pending", message: `Verification ${id} is ${status}: only a pending verification can be ${action}.` },
    409,
  );
}

type Checked = Awaited<ReturnType<typeof checkVerification>>;

function checkAnswer(id: string, outcome: Checked) {
  if (outcome.kind === "not_found") throw notFound(id);
  if (outcome.kind === "ended") throw ended(id, outcome.status, "checked");
  return { ...outcome.verification, valid: outcome.valid };
}

export const create: AppRouteHandler<typeof routes.create> = async (c) => {
  const result = await createVerification(c.env, c.var.control, c.get("account"), c.req.valid("json"), c.get("prepared"));
  if (!result.ok) throw errors.problem(result.problem);
  return c.json(result.value, 201);
};

export const retrieve: AppRouteHandler<typeof routes.retrieve> = async (c) => {
  const { id } = c.req.valid("param");
  const verification = await retrieveVerification(c.env, c.get("account"), id);
  if (!verification) throw notFound(id);
  return c.json(verification, 200);
};

export const list: AppRouteHandler<typeof routes.list> = async (c) => {
  const { limit, cursor: rawCursor, ...requested } = c.req.valid("query");
  const cursor = requestedCursor(rawCursor, VERIFICATION_ID);
  const filters: z.output<typeof VerificationFiltersSchema> = pageFilters(cursor, requested, VerificationFiltersSchema);
  const page = await listAccountVerifications(c.env, c.get("account"), filters, limit, cursor);
  return c.json(
    listEnvelope(page, cursor, (verification) => verification, filters),
    200,
  );
};

export const check: AppRouteHandler<typeof routes.check> = async (c) => {
  const { id } = c.req.valid("param");
  const outcome = await checkVerification(c.env, c.get("account"), id, c.req.valid("json").code);
  return c.json(checkAnswer(id, outcome), 200);
};

export const checkByRecipient: AppRouteHandler<typeof routes.checkByRecipient> = async (c) => {
  const { to, code } = c.req.valid("json");
  const outcome = await checkRecipient(c.env, c.get("account"), to, code);
  if (outcome.kind === "invalid_to") throw errors.invalidParam("to", `Invalid to: ${outcome.message}`);
  if (outcome.kind === "not_found") throw errors.notFound("pending verification to", to, "to");
  return c.json(checkAnswer(outcome.id, outcome), 200);
};

export const cancel: AppRouteHandler<typeof routes.cancel> = async (c) => {
  const { id } = c.req.valid("param");
  const outcome = await cancelVerification(c.env, c.get("account"), id);
  if (outcome.kind === "not_found") throw notFound(id);
  if (outcome.kind === "ended") throw ended(id, outcome.status, "canceled");
  return c.json(outcome.verification, 200);
};

export const resend: AppRouteHandler<typeof routes.resend> = async (c) => {
  const { id } = c.req.valid("param");
  const outcome = await resendVerification(c.env, c.var.control, c.get("account"), id, c.req.valid("json").channel);
  switch (outcome.kind) {
    case "not_found":
      throw notFound(id);
    case "ended":
      throw ended(id, outcome.status, "resent");
    case "unknown_channel":
      throw errors.invalidParam("channel", "Invalid channel: must be one of the verification's channels.");
    case "send_limit":
      throw errors.limited("verification_send_limit", "This verification has been sent its 5 sends; start a new one.", 600);
    case "too_soon":
      throw errors.limited(
        "verification_resend_too_soon",
        "The code was sent less than 30 seconds ago; retry after the Retry-After header's seconds.",
        outcome.retryAfterSeconds,
      );
    case "recipient_limited":
      throw errors.recipientRateLimited(outcome.retryAfterSeconds);
    case "daily_limited":
      throw errors.dailyLimitExceeded(outcome.channel, outcome.limit, outcome.retryAfterSeconds);
    case "problem":
      throw errors.problem(outcome.problem);
    case "resent":
      return c.json(outcome.verification, 200);
  }
};

export const testCode: AppRouteHandler<typeof routes.testCode> = async (c) => {
  const { id } = c.req.valid("param");
  const code = await verificationTestCode(c.env, c.get("account"), id);
  if (code === null) throw notFound(id);
  return c.json({ object: "verification_code" as const, verification_id: id, code }, 200);
};
