// Adding and proving senders (reading, removing and the operator's binding:
// sender-pool.ts). Test-mode senders are sandbox senders, usable at
// once; a live one is pending until proven (src/domain/sender-verification.ts).
import { loadConfig } from "../config.ts";
import { boundElsewhere, countCodeAttempt, findSender, insertSender, markVerified } from "../db/senders.ts";
import type { Account } from "../domain/account.ts";
import { newId, unixSeconds } from "../domain/ids.ts";
import { createMessageSchema } from "../domain/message.ts";
import { fail, type Problem, type Result, succeed } from "../domain/result.ts";
import { type CreateSenderInput, type Sender, senderModeProblem, toSenderObject } from "../domain/sender.ts";
import {
  CODE_TTL_SECONDS,
  checkVerificationCode,
  hashVerificationCode,
  MAX_CODE_ATTEMPTS,
  newVerificationCode,
  newVerificationToken,
  txtRecordName,
  txtRecordValue,
  verificationMethod,
} from "../domain/sender-verification.ts";
import { logger } from "../log.ts";
import { lookupTxt } from "../providers/doh.ts";
import type { Control } from "./control.ts";
import { createMessage } from "./messages.ts";
import { senderMissing } from "./sender-pool.ts";

/**
 * The owner of the one-time-code messages: no API key belongs to it, so no
 * tenant can read a code back through the API (the message, its events and
 * its content live under this id, not the account proving the number).
 */
const PLATFORM_ACCOUNT: Account = {
  id: "acct_platform",
  name: "platform",
  mode: "live",
  webhookSecret: "",
  previousWebhookSecret: null,
  previousWebhookSecretExpiresAt: null,
  createdAt: 0,
  rateLimitRps: null,
  dailyMessageLimit: null,
  inboundCallback: null,
  geoPermissions: null,
  allowedNumberTypes: null,
  recipientLimitPerHour: null,
  retentionDays: null,
  verificationPrefixLimitPerHour: null,
  placement: null,
  spendLimitDaily: null,
  spendLimitMonthly: null,
  usageAlerts: null,
};

const unproven = { verificationToken: null, verificationCodeHash: null, verificationExpiresAt: null, verificationAttempts: 0 };

function addressTaken(param: "address" | "phone_number_id"): { ok: false; problem: Problem } {
  const what = param === "address" ? "This address" : "This phone_number_id";
  return fail(param, "sender_unavailable", `${what} is already bound to another account. If it is yours, contact support.`);
}

/** Adds the sender: a sandbox one in test mode; in live mode a pending one, with its proof started (a code sent, a token issued). */
export async function createSender(env: Env, control: Control, account: Account, input: CreateSenderInput): Promise<Result<Sender>> {
  const problem = senderModeProblem(input, account.mode);
  if (problem) return fail(problem.param, "parameter_invalid", problem.message);
  const { db } = control;
  const id = newId("snd");
  const now = unixSeconds();
  let row: Sender = { id, accountId: account.id, ...input, status: "sandbox", ...unproven, createdAt: now };
  let code: string | undefined;
  if (account.mode === "live") {
    const taken = await boundElsewhere(db, account.id, input.channel, input.address, input.phoneNumberId);
    if (taken) return addressTaken(taken);
    const method = verificationMethod(input.channel, input.address);
    const codeFrom = loadConfig(env).senderVerification.codeFrom;
    row = { ...row, status: "pending_verification" };
    if (method === "dns_txt") row.verificationToken = newVerificationToken();
    if (method === "code" && codeFrom !== null) {
      code = newVerificationCode();
      row = { ...row, verificationCodeHash: await hashVerificationCode(id, code), verificationExpiresAt: now + CODE_TTL_SECONDS };
    }
  }
  const inserted = await insertSender(db, row);
  if (!inserted) return fail("address", "resource_already_exists", `The ${input.channel} sender '${input.address}' already exists in this account.`);
  if (code !== undefined) await sendCode(env, control, inserted, code);
  // What a create may send from changed: the account's gate reads the channel's senders again.
  await control.tellGate(account.id, { senders: [inserted.channel] });
  return succeed(inserted);
}

/** The code goes by SMS, for WhatsApp numbers too: Meta itself verifies a number that way, and no template is needed. */
async function sendCode(env: Env, control: Control, sender: Sender, code: string): Promise<void> {
  const input = createMessageSchema.parse({
    channel: "sms",
    to: sender.address,
    from: loadConfig(env).senderVerification.codeFrom,
    content: { text: `Your OmniFlow sender verification code is ${code}. It expires in ${CODE_TTL_SECONDS / 60} minutes.` },
    // A secret: once delivered it is not kept.
    content_retention: "discard",
  });
  // The platform's own sender, so the create needs no lookup of it.
  const platformSender: Sender = { ...sender, accountId: PLATFORM_ACCOUNT.id, address: input.from!, status: "operator_bound" };
  const message = await createMessage(env, control, PLATFORM_ACCOUNT, input, {
    reads: { template: undefined, senders: [platformSender], suppressed: false, endpoints: false },
  });
  logger.with({ sender_id: sender.id }).info("sender_code_sent", message.ok ? { message_id: message.value.id } : { problem: message.problem.code });
}

/**
 * Completes a pending sender's proof: its domain's TXT record, or the code
 * sent to its number. A proven sender is returned as it is. Proven now, it is
 * one a create may use: the gate reads the channel's senders again (markProven).
 */
export async function verifySender(env: Env, control: Control, account: Account, id: string, code: string | undefined): Promise<Result<Sender>> {
  const sender = await findSender(control.db, account.id, id);
  if (!sender) return senderMissing(id);
  if (sender.status !== "pending_verification") return succeed(sender);
  const method = verificationMethod(sender.channel, sender.address);
  if (code !== undefined && (method !== "code" || sender.verificationCodeHash === null)) {
    return fail("code", "parameter_unknown", "code is only for a number that a verification code was sent to.");
  }
  if (method === "dns_txt" && sender.verificationToken !== null) return verifyDomain(env, control, sender, sender.verificationToken);
  if (method === "code" && sender.verificationCodeHash !== null) {
    if (code === undefined) return fail("code", "parameter_missing", "Give the code that was sent to the number by SMS.");
    return verifyCode(control, sender, code);
  }
  return fail(
    "id",
    "operator_approval_required",
    `This sender can only be bound to your account by the operator (alphanumeric sender ids always are${method === "code" ? "; this deployment sends no verification codes" : ""}). Contact support.`,
  );
}

async function verifyDomain(env: Env, control: Control, sender: Sender, token: string): Promise<Result<Sender>> {
  const name = txtRecordName(sender.address);
  const value = txtRecordValue(token);
  const answer = await lookupTxt(loadConfig(env).senderVerification.dohUrl, name);
  if ("error" in answer) {
    logger.with({ sender_id: sender.id }).warn("sender_dns_lookup_failed", { error: answer.error });
    return fail("", "verification_unavailable", `Could not read the TXT record at ${name}: ${answer.error}. Nothing changed; retry later.`);
  }
  if (!answer.records.includes(value)) {
    const found = answer.records.some((record) => record.startsWith("omniflow-verification="));
    const why = found ? `The TXT record at ${name} carries another token` : `No TXT record was found at ${name}`;
    return fail("", "verification_failed", `${why}. Publish a TXT record ${name} with the value ${value}, then retry (DNS changes can take a while to show).`);
  }
  return markProven(control, sender);
}

async function verifyCode(control: Control, sender: Sender, code: string): Promise<Result<Sender>> {
  // Counted before it is checked, atomically: concurrent guesses cannot exceed the limit.
  const counted = await countCodeAttempt(control.db, sender.accountId, sender.id);
  if (!counted) return current(control, sender);
  const check = await checkVerificationCode({ ...counted, verificationAttempts: counted.verificationAttempts - 1 }, code, unixSeconds());
  const renew = "Delete the sender and add it again for a new code.";
  if (check === "exhausted")
    return fail("code", "verification_attempts_exceeded", `This code was tried ${MAX_CODE_ATTEMPTS} times and no longer works. ${renew}`);
  if (check === "expired") return fail("code", "verification_code_expired", `The code has expired. ${renew}`);
  if (check === "wrong") {
    const left = MAX_CODE_ATTEMPTS - counted.verificationAttempts;
    return fail("code", "verification_code_invalid", `The code is wrong; ${left} attempt${left === 1 ? "" : "s"} left.`);
  }
  return markProven(control, sender);
}

async function markProven(control: Control, sender: Sender): Promise<Result<Sender>> {
  const { db } = control;
  if (!(await markVerified(db, sender.accountId, sender.id))) {
    // The unique indexes refused: another account proved it since this one claimed it.
    return addressTaken((await boundElsewhere(db, sender.accountId, sender.channel, sender.address, sender.phoneNumberId)) ?? "address");
  }
  const proven = await current(control, sender);
  // The gate reads the channel's senders again (a create may use it now), and the account's endpoints hear sender.verified.
  const event = proven.ok ? { accountId: sender.accountId, type: "sender.verified", data: JSON.stringify(toSenderObject(proven.value)) } : undefined;
  await control.tellGate(sender.accountId, { senders: [sender.channel], ...(event ? { event } : {}) });
  return proven;
}

/** The sender as it is now (deleted meanwhile: not found). */
async function current(control: Control, sender: Sender): Promise<Result<Sender>> {
  const now = await findSender(control.db, sender.accountId, sender.id);
  return now ? succeed(now) : senderMissing(sender.id);
}
