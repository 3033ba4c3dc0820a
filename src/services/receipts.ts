// Routes verified provider reports to their messages' Durable Objects.
import { messageStatusStub } from "../delivery/message-status.ts";
import { logger } from "../log.ts";
import type { Receipt } from "../providers/provider.ts";

export async function applyReceipt(env: Env, receipt: Receipt): Promise<void> {
  const outcome = receipt.messageId ? await messageStatusStub(env, receipt.messageId).receipt(receipt) : "unknown";
  if (outcome === "unknown") {
    // Acknowledged all the same: the provider would only retry a report we can never place.
    logger.warn("receipt_for_unknown_message", { provider: receipt.provider, provider_message_id: receipt.providerMessageId });
  }
}
