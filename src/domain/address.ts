// Recipient and sender address rules per channel.
import { parsePhoneNumberFromString } from "libphonenumber-js/max";
import { z } from "zod";
import { HEADER_SAFE_RULE, isHeaderSafe } from "./header-safe.ts";

export type Channel = "sms" | "whatsapp" | "email";
export const CHANNELS: readonly Channel[] = ["sms", "whatsapp", "email"];

/** The E.164 form of a valid phone number, or null. Uses full metadata, so
 * numbers are checked against each country's real numbering plan. A number
 * with an extension ("ext. 9") is refused: messages cannot reach one. */
function e164(value: string): string | null {
  if (!value.startsWith("+")) return null;
  const number = parsePhoneNumberFromString(value);
  return number?.isValid() && !number.ext ? number.number : null;
}

const emailSchema = z.email();

export function isEmail(value: string): boolean {
  return value.length <= 254 && emailSchema.safeParse(value).success;
}

// Alphanumeric sender ids (e.g. "omni_verify"): up to 11 characters, at least one letter.
const ALPHANUMERIC_SENDER = /^(?=.*[A-Za-z])[A-Za-z0-9_. -]{1,11}$/;
// "Name <address>" as email senders are usually written. The name becomes part
// of the From header, so it must be header-safe (see header-safe.ts).
const NAMED_EMAIL = /^([^<>]{1,100}) <([^<>]+)>$/u;

// An unescaped "+" in a form-encoded body arrives as a space ("to=+1415..." is
// "to= 1415..."); read a leading space before digits as the "+" it was.
function restorePlus(value: string): string {
  return value.replace(/^ (?=\d)/, "+");
}

/** Normalized recipient for the channel, or an error message. */
export function normalizeRecipient(channel: Channel, to: string): { value: string } | { error: string } {
  if (channel === "email") {
    return isEmail(to) ? { value: to } : { error: "must be an email address for the email channel" };
  }
  const number = e164(restorePlus(to));
  return number ? { value: number } : { error: `must be a valid phone number in E.164 format (e.g. +14155550123) for the ${channel} channel` };
}

/** Normalized sender for the channel, or an error message. */
export function normalizeSender(channel: Channel, from: string): { value: string } | { error: string } {
  if (channel === "email") {
    const named = NAMED_EMAIL.exec(from);
    if (named && !isHeaderSafe(named[1]!)) return { error: `the display name ${HEADER_SAFE_RULE}` };
    if (isEmail(from) || (named && isEmail(named[2]!))) return { value: from };
    return { error: 'must be an email address or "Name <address>" for the email channel' };
  }
  const number = e164(restorePlus(from));
  if (number) return { value: number };
  if (ALPHANUMERIC_SENDER.test(from)) return { value: from };
  return { error: "must be an E.164 phone number or an alphanumeric sender id of up to 11 characters" };
}
