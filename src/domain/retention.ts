// What happens to a message's content after delivery (content_retention), and
// how long messages are kept at all (the account's retention_days).
import { z } from "zod";
import { isDelivery, isTerminal, type Status } from "./status.ts";

export const CONTENT_RETENTIONS = ["retain", "discard"] as const;
export type ContentRetention = (typeof CONTENT_RETENTIONS)[number];

export const contentRetentionSchema = z.enum(CONTENT_RETENTIONS, { error: "must be retain or discard" });

/** As Twilio keeps messages: 400 days, which is also the longest an account may ask for. */
export const RETENTION_DAYS = { default: 400, min: 1, max: 400 } as const;

export function retentionDays(account: { retentionDays: number | null }): number {
  return account.retentionDays ?? RETENTION_DAYS.default;
}

/**
 * Whether the message's outcome is known: delivered (or read), or a terminal
 * status (undelivered, failed, canceled, expired; received for a reply). A
 * delivered WhatsApp message may still be read, which changes only its
 * status, so its content is no longer needed. A scheduled message, or one
 * whose next fallback step is still to come, is not final.
 */
export function isFinal(status: Status): boolean {
  return isDelivery(status) || isTerminal(status);
}
