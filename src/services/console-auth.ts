// Console sign-in: one-time links (by email through OmniFlow's own pipeline,
// or to the log locally) and the sessions they open.
import { csrfTokenFor, generateConsoleToken, hashConsoleToken, LINK_TTL_SECONDS, SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS } from "../auth/console-token.ts";
import type { Config } from "../config.ts";
import { findAccountByName } from "../db/accounts.ts";
import { consumeLink, deleteSession, insertLink, insertSession, liveLinkCount, liveSession, touchSession, usersByEmail } from "../db/console.ts";
import type { Account } from "../domain/account.ts";
import { unixSeconds } from "../domain/ids.ts";
import { createMessageSchema } from "../domain/message.ts";
import { logger } from "../log.ts";
import type { Control } from "./control.ts";
import { createMessage } from "./messages.ts";

/** A session's lastSeenAt is refreshed at most once a minute: no D1 write per page view. */
const TOUCH_INTERVAL_SECONDS = 60;

const consoleLinkPath = (token: string) => `/console/auth?token=${token}`;

/**
 * Sign-in links a user may have live at once (asked for within a link's 15 minutes): the form takes no key, so
 * without a bound anyone knowing a user's address could mail them without end and write a control row a request.
 */
const MAX_LIVE_LINKS = 5;

/**
 * Sends a sign-in link to every Console user with this address. Says nothing
 * about whether there is one, so the form cannot be used to find users out.
 * `local`: the request came to localhost, where no mail can be meant.
 */
export async function requestSignIn(env: Env, control: Control, config: Config, email: string, origin: string, local: boolean): Promise<void> {
  const { db } = control;
  const users = await usersByEmail(db, email.trim().toLowerCase());
  const operator = config.console.operatorAccount && !local ? await findAccountByName(db, config.console.operatorAccount) : undefined;
  for (const user of users) {
    if ((await liveLinkCount(db, user.id, unixSeconds())) >= MAX_LIVE_LINKS) {
      // The page says the same either way: the form must not tell who is a user, nor who was limited.
      logger.warn("console_sign_in_limited", { account_id: user.accountId });
      continue;
    }
    const token = generateConsoleToken();
    await insertLink(db, await hashConsoleToken(token), user.id, unixSeconds() + LINK_TTL_SECONDS);
    const link = `${origin}${consoleLinkPath(token)}`;
    if (operator?.mode === "live" && config.console.emailFrom) await emailLink(env, control, operator, config.console.emailFrom, user.email, link);
    // Only where no mail goes out (locally, or a test-mode operator whose mail the sandbox swallows) does the
    // link reach the log: the field is named so that the log's redaction lets it through (see src/log.ts).
    else logger.info("console_sign_in_link", { account_id: user.accountId, console_sign_in_link: link });
  }
}

async function emailLink(env: Env, control: Control, operator: Account, from: string, to: string, link: string): Promise<void> {
  const input = await createMessageSchema.parseAsync({
    channel: "email",
    to,
    from,
    content: {
      subject: "Your OmniFlow Console sign-in link",
      text: `Open this link to sign in to the OmniFlow Console. It works once, for 15 minutes:\n\n${link}\n\nIf you did not ask for it, ignore this email.`,
    },
  });
  const sent = await createMessage(env, control, operator, input);
  if (!sent.ok) logger.error("console_sign_in_email_failed", { code: sent.problem.code, param: sent.problem.param });
}

/** Opens a session for a link that is unused and unexpired (and uses the link up); the session's token, or null. */
export async function signIn({ db }: Control, linkToken: string): Promise<string | null> {
  const now = unixSeconds();
  const user = await consumeLink(db, await hashConsoleToken(linkToken), now);
  if (!user) return null;
  const sessionToken = generateConsoleToken();
  await insertSession(db, await hashConsoleToken(sessionToken), user, now);
  return sessionToken;
}

export interface ConsoleSession {
  account: Account;
  userId: string;
  csrfToken: string;
  /** The lastSeenAt refresh, to run off the response path; null when none is due. */
  touch: Promise<void> | null;
}

export async function sessionFor({ db }: Control, sessionToken: string): Promise<ConsoleSession | null> {
  const now = unixSeconds();
  const hash = await hashConsoleToken(sessionToken);
  const row = await liveSession(db, hash, now, SESSION_IDLE_SECONDS, SESSION_MAX_SECONDS);
  if (!row) return null;
  const touch = now - row.lastSeenAt >= TOUCH_INTERVAL_SECONDS ? touchSession(db, hash, now) : null;
  return { account: row.account, userId: row.userId, csrfToken: await csrfTokenFor(sessionToken), touch };
}

export async function signOut({ db }: Control, sessionToken: string): Promise<void> {
  await deleteSession(db, await hashConsoleToken(sessionToken));
}
