// What every test-mode account starts with, and the example the local dev
// account is seeded with, so that a test key can send on every channel at once
// and the API reference's create example works unchanged.
import { newId, unixSeconds } from "./ids.ts";
import type { Sender } from "./sender.ts";
import type { Template } from "./template.ts";

type SenderSeed = Pick<Sender, "channel" | "address" | "phoneNumberId" | "name" | "isDefault">;

function senderRows(accountId: string, seeds: SenderSeed[]): Sender[] {
  const createdAt = unixSeconds();
  // Test mode never reaches a provider, so its senders have nothing to prove.
  const unproven = { status: "sandbox", verificationToken: null, verificationCodeHash: null, verificationExpiresAt: null, verificationAttempts: 0 } as const;
  return seeds.map((seed) => ({ id: newId("snd"), accountId, createdAt, ...unproven, ...seed }));
}

/** A default sender per channel. +15005550006 is the number Twilio's test credentials accept as a sender. */
export function sandboxSenders(accountId: string): Sender[] {
  return senderRows(accountId, [
    { channel: "sms", address: "+15005550006", phoneNumberId: null, name: null, isDefault: true },
    { channel: "whatsapp", address: "+15005550006", phoneNumberId: null, name: null, isDefault: true },
    { channel: "email", address: "sandbox@omniflow.dev", phoneNumberId: null, name: "OmniFlow Sandbox", isDefault: true },
  ]);
}

/** The reference's sender id, for SMS and WhatsApp; not in the default pool, so it is used when named. */
export function exampleSenders(accountId: string): Sender[] {
  return senderRows(accountId, [
    { channel: "sms", address: "omni_verify", phoneNumberId: null, name: null, isDefault: false },
    { channel: "whatsapp", address: "omni_verify", phoneNumberId: null, name: null, isDefault: false },
  ]);
}

/** The reference's template, with a body for every channel. */
export function exampleTemplate(accountId: string): Template {
  const now = unixSeconds();
  return {
    accountId,
    id: "auth_otp",
    sms: { text: "Your OmniFlow verification code is {{code}}" },
    whatsapp: { name: "auth_otp", language: "en_US", body_params: ["code"] },
    email: {
      subject: "Your verification code: {{code}}",
      text: "Your verification code is {{code}}.",
      html: "<p>Your verification code is <strong>{{code}}</strong>.</p>",
    },
    contentRetention: "retain",
    createdAt: now,
    updatedAt: now,
  };
}
