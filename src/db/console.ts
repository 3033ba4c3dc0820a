// Console users, sign-in links and sessions in D1 (tokens only as hashes).
import { and, count, eq, gt, isNull, lt, or } from "drizzle-orm";
import type { Account } from "../domain/account.ts";
import type { Database } from "./client.ts";
import { accounts, consoleLinks, consoleSessions, consoleUsers } from "./control-schema.ts";

export interface ConsoleUser {
  id: string;
  accountId: string;
  email: string;
  createdAt: number;
}

/** The users with this email address, in every account they belong to. */
export function usersByEmail(db: Database, email: string): Promise<ConsoleUser[]> {
  return db.select().from(consoleUsers).where(eq(consoleUsers.email, email)).all();
}

/** The user's sign-in links not yet expired (used or not): those asked for in the last LINK_TTL_SECONDS. */
export async function liveLinkCount(db: Database, userId: string, now: number): Promise<number> {
  const [row] = await db
    .select({ count: count() })
    .from(consoleLinks)
    .where(and(eq(consoleLinks.userId, userId), gt(consoleLinks.expiresAt, now)));
  return row?.count ?? 0;
}

export async function insertLink(db: Database, tokenHash: string, userId: string, expiresAt: number): Promise<void> {
  await db.insert(consoleLinks).values({ tokenHash, userId, expiresAt });
}

/**
 * Marks the link used if it is unused and unexpired, in one statement (so a
 * link used twice at once signs in once); its user, or null.
 */
export async function consumeLink(db: Database, tokenHash: string, now: number): Promise<ConsoleUser | null> {
  const [link] = await db
    .update(consoleLinks)
    .set({ usedAt: now })
    .where(and(eq(consoleLinks.tokenHash, tokenHash), isNull(consoleLinks.usedAt), gt(consoleLinks.expiresAt, now)))
    .returning({ userId: consoleLinks.userId });
  if (!link) return null;
  return (await db.select().from(consoleUsers).where(eq(consoleUsers.id, link.userId)).get()) ?? null;
}

export async function insertSession(db: Database, tokenHash: string, user: ConsoleUser, now: number): Promise<void> {
  await db.insert(consoleSessions).values({ tokenHash, userId: user.id, accountId: user.accountId, createdAt: now, lastSeenAt: now });
}

export interface SessionRow {
  createdAt: number;
  lastSeenAt: number;
  userId: string;
  account: Account;
}

/** The session with its account, if it has neither idled out nor outlived its maximum age. */
export async function liveSession(db: Database, tokenHash: string, now: number, idleSeconds: number, maxSeconds: number): Promise<SessionRow | null> {
  const row = await db
    .select({ createdAt: consoleSessions.createdAt, lastSeenAt: consoleSessions.lastSeenAt, userId: consoleSessions.userId, account: accounts })
    .from(consoleSessions)
    .innerJoin(accounts, eq(accounts.id, consoleSessions.accountId))
    .where(and(eq(consoleSessions.tokenHash, tokenHash), gt(consoleSessions.lastSeenAt, now - idleSeconds), gt(consoleSessions.createdAt, now - maxSeconds)))
    .get();
  return row ?? null;
}

export async function touchSession(db: Database, tokenHash: string, now: number): Promise<void> {
  await db.update(consoleSessions).set({ lastSeenAt: now }).where(eq(consoleSessions.tokenHash, tokenHash));
}

export async function deleteSession(db: Database, tokenHash: string): Promise<void> {
  await db.delete(consoleSessions).where(eq(consoleSessions.tokenHash, tokenHash));
}

/** Expired links and sessions, removed by the every-minute maintenance. */
export async function pruneConsoleAuth(db: Database, now: number, idleSeconds: number, maxSeconds: number): Promise<void> {
  await db.batch([
    db.delete(consoleLinks).where(lt(consoleLinks.expiresAt, now)),
    db.delete(consoleSessions).where(or(lt(consoleSessions.lastSeenAt, now - idleSeconds), lt(consoleSessions.createdAt, now - maxSeconds))),
  ]);
}
