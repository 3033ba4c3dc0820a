// Which provider message each stored reply came from, so a retried webhook
// finds the reply it already stored.
import { and, eq } from "drizzle-orm";
import type { Database } from "./client.ts";
import { inboundReceipts } from "./control-schema.ts";

/**
 * Claims the provider's message for `messageId`, in one round trip: the id of
 * the message it is stored as, `messageId` when this is its first report, or
 * the one an earlier report claimed.
 */
export async function claimInboundReceipt(
  db: Database,
  provider: "twilio" | "whatsapp",
  providerMessageId: string,
  messageId: string,
  createdAt: number,
): Promise<string> {
  const [, [claimed]] = await db.batch([
    db.insert(inboundReceipts).values({ provider, providerMessageId, messageId, createdAt }).onConflictDoNothing(),
    db
      .select({ messageId: inboundReceipts.messageId })
      .from(inboundReceipts)
      .where(and(eq(inboundReceipts.provider, provider), eq(inboundReceipts.providerMessageId, providerMessageId))),
  ]);
  return claimed!.messageId;
}
