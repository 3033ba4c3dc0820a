// Vitest global setup, run in Node (not workerd) before the suite: signs the
// reports of test/fixtures/signed-reports.ts with code that is not ours, so a
// test can never compute its expected signature with the function under test.
import { createHmac } from "node:crypto";
import twilio from "twilio";
import type { TestProject } from "vitest/node";
import {
  PROVIDER_SECRETS,
  type ProviderSignatures,
  SIGNED_TWILIO,
  SIGNED_TWILIO_EARLY,
  SIGNED_TWILIO_INBOUND,
  SIGNED_WHATSAPP,
} from "../fixtures/signed-reports.ts";

declare module "vitest" {
  export interface ProvidedContext {
    providerSignatures: ProviderSignatures;
  }
}

export default function setup(project: TestProject): void {
  const twilioSignature = twilio.getExpectedTwilioSignature(PROVIDER_SECRETS.twilioAuthToken, SIGNED_TWILIO.url, { ...SIGNED_TWILIO.params });
  // Twilio's own validator agrees, so the fixture is what Twilio would send.
  if (!twilio.validateRequest(PROVIDER_SECRETS.twilioAuthToken, twilioSignature, SIGNED_TWILIO.url, { ...SIGNED_TWILIO.params })) {
    throw new Error("twilio.validateRequest refused its own signature");
  }
  // Meta: X-Hub-Signature-256 is "sha256=" + the hex HMAC-SHA256 of the raw body, keyed with the whole app secret.
  const whatsappSignature = `sha256=${createHmac("sha256", PROVIDER_SECRETS.whatsappAppSecret).update(SIGNED_WHATSAPP.body).digest("hex")}`;
  const inbound = SIGNED_TWILIO_INBOUND;
  const twilioInbound = twilio.getExpectedTwilioSignature(PROVIDER_SECRETS.twilioAuthToken, inbound.url, { ...inbound.params });
  if (!twilio.validateRequest(PROVIDER_SECRETS.twilioAuthToken, twilioInbound, inbound.url, { ...inbound.params })) {
    throw new Error("twilio.validateRequest refused its own signature of the inbound message");
  }
  const early = SIGNED_TWILIO_EARLY;
  const twilioEarly = twilio.getExpectedTwilioSignature(PROVIDER_SECRETS.twilioAuthToken, early.url, { ...early.params });
  if (!twilio.validateRequest(PROVIDER_SECRETS.twilioAuthToken, twilioEarly, early.url, { ...early.params })) {
    throw new Error("twilio.validateRequest refused its own signature of the early report");
  }
  project.provide("providerSignatures", { twilio: twilioSignature, twilioEarly, whatsapp: whatsappSignature, twilioInbound });
}
