// Shared by the redaction tests: what a message's object has stored, all of it.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { type MessageStatus, messageStatusStub } from "../../src/delivery/message-status.ts";

/** Every row of every table in the message's object storage, as text. */
export async function objectStorageDump(messageId: string): Promise<string> {
  return runInDurableObject(messageStatusStub(env, messageId), (_: MessageStatus, state) => {
    const tables = state.storage.sql
      .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'")
      .toArray();
    return JSON.stringify(tables.map(({ name }) => [name, state.storage.sql.exec(`SELECT * FROM "${name}"`).toArray()]));
  });
}

/** How many rows the message's object holds, over all its tables. */
export async function objectRowCount(messageId: string): Promise<number> {
  const dump = JSON.parse(await objectStorageDump(messageId)) as [string, unknown[]][];
  return dump.reduce((sum, [, rows]) => sum + rows.length, 0);
}

export const SECRET = "849201";
export const secretSms = (extra: Record<string, unknown> = {}) => ({
  channel: "SMS",
  to: "+14155550123",
  content: { text: `Your code is ${SECRET}` },
  ...extra,
});
