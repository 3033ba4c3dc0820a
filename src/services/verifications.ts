// The Verify API (issue 25): a verification is started by sending its first
// message through the one create of messages (src/services/messages.ts), then
// handed to its own Durable Object (src/delivery/verifier.ts), which alone
// decides checks, resends, the cancel and the expiry. A problem names the
// param at fault; an outcome that is not a problem with the input (ended,
// too soon) is answered as such for the route to map.

import { ConfigError, loadConfig } from "../config.ts";
import type { CreateReadResults, CreateReads } from "../db/messages.ts";
import { shardDatabase } from "../db/shards.ts";
import { listVerifications, newestPendingVerification, sendStatuses, type VerificationFilters } from "../db/verifications.ts";
import { attemptsOf } from "../delivery/verification-attempts.ts";
import { verifierStub } from "../delivery/verifier.ts";
import type { Account, Mode } from "../domain/account.ts";
import { type Channel, isEmail, normalizeRecipient } from "../domain/address.ts";
import { callbackUrlProblem } from "../domain/callback-url.ts";
import type { Cursor } from "../domain/cursor.ts";
import { idPattern, newShardedId, unixSeconds } from "../domain/ids.ts";
import { mergePages, type ShardPage } from "../domain/page-merge.ts";
import { placementOf, shardForNewMessage, shardsToRead } from "../domain/placement.ts";
import { fail, type Problem, type Result, succeed } from "../domain/result.ts";
import { suppressionKey } from "../domain/suppression.ts";
import { type CreateVerificationInput, toVerificationObject, VERIFICATION_LIMITS, type Verification, type VerificationObject } from "../domain/verification.ts";
import { codeHash, generateCode, openCode, sealCode } from "../domain/verification-code.ts";
import { verificationMessage } from "../domain/verification-message.ts";
import type { Control } from "./control.ts";
import { createMessage, readsForCreate } from "./messages.ts";

export const VERIFICATION_ID = idPattern("vrf");

/** Test mode's codes are readable through the test helper anyway: without the secret (a fresh `npm run dev`) they are sealed under this one. */
const TEST_MODE_CODE_SECRET = "omniflow test mode: codes are readable through the test helper";

/** What a verification's code is sealed under; a live one is refused (a 500 naming the variable) before any message when it is unset. */
function codeSecret(env: Env, mode: Mode): string {
  const secret = loadConfig(env).verificationCodeSecret;
  if (secret) return secret;
  if (mode === "test") return TEST_MODE_CODE_SECRET;
  throw new ConfigError(["VERIFICATION_CODE_SECRET"], ["VERIFICATION_CODE_SECRET must be set for live verifications: their codes are sealed under it"]);
}

/** What a create of this verification reads (its message's template, senders and suppressions), asked with the key check. */
export function readsForVerification(input: CreateVerificationInput, mode: Mode): CreateReads {
  const wording = { ...input, expiresAt: 0 };
  return readsForCreate(verificationMessage(wording, input.steps, "0".repeat(input.codeLength), 0), mode);
}

/** A message's problem, named in the verification's terms. */
function asVerificationProblem(problem: Problem, input: CreateVerificationInput): Problem {
  if (problem.param.startsWith("content")) return { ...problem, param: "template_id" };
  const step = /^fallback\[(\d+)\]/.exec(problem.param);
  const channel = step ? input.steps[Number(step[1]) + 1]?.channel : input.steps[0]?.channel;
  if (problem.param === "from" || problem.param.endsWith("[from]")) return { ...problem, param: "channels" };
  return { ...problem, param: channel === "email" && !isEmail(input.to) ? "email_to" : "to" };
}

export async function createVerification(
  env: Env,
  control: Control,
  account: Account,
  input: CreateVerificationInput,
  reads?: CreateReadResults,
): Promise<Result<VerificationObject>> {
  if (input.statusCallback !== undefined) {
    const problem = callbackUrlProblem(input.statusCallback, account.mode);
    if (problem) return fail("status_callback", "parameter_invalid", `Invalid status_callback: ${problem}.`);
  }
  const id = newShardedId("vrf", shardForNewMessage(placementOf(account), false));
  const code = generateCode(input.codeLength);
  const sealedCode = await sealCode(codeSecret(env, account.mode), id, code);
  const createdAt = unixSeconds();
  const verification: Verification = {
    id,
    accountId: account.id,
    mode: account.mode,
    to: input.to,
    steps: input.steps,
    codeLength: input.codeLength,
    locale: input.locale,
    appName: input.appName,
    templateId: input.templateId,
    channelTimeout: input.channelTimeout,
    statusCallback: input.statusCallback ?? null,
    metadata: input.metadata,
    status: "pending",
    checkAttemptsRemaining: VERIFICATION_LIMITS.checkAttempts,
    sends: [],
    createdAt,
    expiresAt: createdAt + input.expiresIn,
    updatedAt: createdAt,
  };
  const message = await createMessage(env, control, account, verificationMessage(verification, input.steps, code, createdAt), { reads, verificationId: id });
  if (!message.ok) return { ok: false, problem: asVerificationProblem(message.problem, input) };
  verification.sends.push({ channel: message.value.channel, messageId: message.value.id, at: createdAt });
  return succeed(await verifierStub(env, id).start(verification, await codeHash(id, code), sealedCode));
}

export async function retrieveVerification(env: Env, account: Account, id: string): Promise<VerificationObject | null> {
  return VERIFICATION_ID.test(id) ? verifierStub(env, id).get(account.id) : null;
}

export async function checkVerification(env: Env, account: Account, id: string, code: string) {
  if (!VERIFICATION_ID.test(id)) return { kind: "not_found" } as const;
  return verifierStub(env, id).check(account.id, await codeHash(id, code));
}

/** Twilio's shape: the code checked against the recipient's newest pending verification in the account. */
export async function checkRecipient(env: Env, account: Account, to: string, code: string) {
  const address = normalizeRecipient(isEmail(to) ? "email" : "sms", to);
  if ("error" in address) return { kind: "invalid_to", message: address.error } as const;
  const shards = shardsToRead(placementOf(account));
  const found = await Promise.all(shards.map((shard) => newestPendingVerification(shardDatabase(env, shard), account.id, address.value)));
  const newest = found
    .filter((id) => id !== undefined)
    .sort()
    .at(-1);
  if (!newest) return { kind: "not_found" } as const;
  return { ...(await checkVerification(env, account, newest, code)), id: newest };
}

export function cancelVerification(env: Env, account: Account, id: string) {
  return VERIFICATION_ID.test(id) ? verifierStub(env, id).cancel(account.id) : Promise.resolve({ kind: "not_found" } as const);
}

/** The same code again, on `channel` or the channel last tried: a message of its own, counted as a send. */
export async function resendVerification(env: Env, control: Control, account: Account, id: string, channel: Channel | undefined) {
  if (!VERIFICATION_ID.test(id)) return { kind: "not_found" } as const;
  const stub = verifierStub(env, id);
  const reserved = await stub.reserveResend(account.id, channel);
  if (reserved.kind !== "reserved") return reserved;
  const now = unixSeconds();
  const step = { channel: reserved.channel, to: reserved.to };
  // The gate's limits apply as to any send: the recipient's hourly limit and the channel's daily cap.
  const gate = env.ACCOUNT_GATE.getByName(account.id);
  const taken = await gate.takeSend(account.id, suppressionKey(step.channel, step.to), step.channel).catch(async (error: unknown) => {
    await stub.releaseSend();
    throw error;
  });
  if (taken.kind !== "taken") {
    await stub.releaseSend();
    return taken;
  }
  const giveBack = async () => {
    await stub.releaseSend();
    await gate.releaseItems([{ daily: taken.daily, recipient: taken.recipient }]);
  };
  const message = await openCode(codeSecret(env, account.mode), id, reserved.sealedCode)
    .then((code) => createMessage(env, control, account, verificationMessage(reserved.verification, [step], code, now), { verificationId: id }))
    .catch(async (error: unknown) => {
      await giveBack();
      throw error;
    });
  if (!message.ok) {
    await giveBack();
    return { kind: "problem", problem: message.problem } as const;
  }
  await stub.recordSend({ channel: reserved.channel, messageId: message.value.id, at: now });
  return { kind: "resent", verification: (await stub.get(account.id))! } as const;
}

/** The Console's detail: the object, its checks and callbacks; null when it is not the account's. */
export async function verificationDetail(env: Env, account: Account, id: string) {
  if (!VERIFICATION_ID.test(id)) return null;
  const stub = verifierStub(env, id);
  const [verification, history] = await Promise.all([stub.get(account.id), stub.history(account.id)]);
  return verification && history ? { verification, ...history } : null;
}

/** The fraud guard's latest refusals in the account (its gate keeps them), newest first. */
export function verificationRefusals(env: Env, account: Account) {
  return env.ACCOUNT_GATE.getByName(account.id).verificationRefusals();
}

/** The code, for the test helper (test keys only); null for another account's verification or a live one. */
export async function verificationTestCode(env: Env, account: Account, id: string): Promise<string | null> {
  const sealed = VERIFICATION_ID.test(id) ? await verifierStub(env, id).testCode(account.id) : null;
  return sealed === null ? null : openCode(codeSecret(env, account.mode), id, sealed);
}

/** One page of the account's verifications, newest first, over every database that holds them; attempts as their messages' rows show them. */
export async function listAccountVerifications(
  env: Env,
  account: Account,
  filters: VerificationFilters,
  limit: number,
  cursor: Cursor | null,
): Promise<ShardPage<VerificationObject>> {
  const databases = shardsToRead(placementOf(account)).map((shard) => shardDatabase(env, shard));
  const pages = await Promise.all(databases.map((db) => listVerifications(db, account.id, filters, limit, cursor)));
  const page = pages.length === 1 ? pages[0]! : mergePages(pages, limit, "desc", cursor?.dir === "prev");
  const ids = page.items.flatMap((row) => row.sends.map((send) => send.messageId));
  const messages = (await Promise.all(databases.map((db) => sendStatuses(db, account.id, ids)))).flat();
  const byId = new Map(messages.map((message) => [message.id, message]));
  return { items: page.items.map((row) => toVerificationObject(row, attemptsOf(row.sends, byId))), hasMore: page.hasMore };
}
