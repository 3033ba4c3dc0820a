// The Console's CSV of a period's messages with their prices: one line per
// message, RFC 4180 quoting, and a cell a spreadsheet would run as a formula
// (=, +, -, @ first: a phone number's +) made text with a leading quote.
import type { Message } from "./message.ts";
import { formatAmount } from "./price.ts";

const HEADER = ["id", "created_at", "channel", "to", "country", "status", "segments", "price", "price_unit", "price_status"];

function cell(value: string | number | null): string {
  const text = value === null ? "" : String(value);
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function usageCsvLine(message: Message): string {
  const created = new Date(message.createdAt * 1000).toISOString();
  const price = message.price === null ? null : formatAmount(message.price);
  return [message.id, created, message.channel, message.to, message.country, message.status, message.segments, price, message.priceUnit, message.priceStatus]
    .map(cell)
    .join(",");
}

export const USAGE_CSV_HEADER = HEADER.join(",");
