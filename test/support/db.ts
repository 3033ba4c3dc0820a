// The test D1 read and written directly: row counts, a message's stored row,
// and a simulated outage of the messages table.
import { env } from "cloudflare:workers";
import { count, eq } from "drizzle-orm";
import { vi } from "vitest";
import { database } from "../../src/db/client.ts";
import { type apiKeys, messages, type senders, type templates } from "../../src/db/schema.ts";

export const db = () => database(env.DB);

/** How many rows of the table the account has. */
export async function rowCount(table: typeof messages | typeof templates | typeof senders | typeof apiKeys, accountId: string): Promise<number> {
  const [row] = await db().select({ n: count() }).from(table).where(eq(table.accountId, accountId));
  return row!.n;
}

export const messageCount = (accountId: string) => rowCount(messages, accountId);

export async function storedMessage(id: string) {
  return (await db().select().from(messages).where(eq(messages.id, id)))[0]!;
}

/**
 * Makes every D1 statement on the messages table throw, as a D1 outage would,
 * and silences (but records) console.error. Undo with vi.restoreAllMocks().
 */
export function failMessageQueries() {
  const log = vi.spyOn(console, "error").mockImplementation(() => {});
  const prepare = env.DB.prepare.bind(env.DB);
  const failing = vi.spyOn(env.DB, "prepare").mockImplementation((sql: string) => {
    if (sql.includes('"messages"')) throw new Error("D1_ERROR: internal error; reference = 0123456789abcdef");
    return prepare(sql);
  });
  return { failing, log };
}
