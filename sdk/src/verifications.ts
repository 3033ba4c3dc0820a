// The Verify API: one-time codes over WhatsApp, SMS and email with fallback,
// checks, resends and cancel (docs/verify.md).
import type { Client } from "openapi-fetch";
import { unwrap } from "./errors.js";
import type { components, paths } from "./schema.js";

export type Verification = components["schemas"]["Verification"];
export type VerificationCheck = components["schemas"]["VerificationCheck"];
export type VerificationList = components["schemas"]["VerificationList"];
export type CreateVerificationParams = paths["/v1/verifications"]["post"]["requestBody"]["content"]["application/json"];
export type CheckVerificationParams = paths["/v1/verification_checks"]["post"]["requestBody"]["content"]["application/json"];
export type ListVerificationsParams = NonNullable<paths["/v1/verifications"]["get"]["parameters"]["query"]>;

export class Verifications {
  readonly #client: Client<paths>;

  constructor(client: Client<paths>) {
    this.#client = client;
  }

  /** POST /v1/verifications: sends a code over the first channel; resolves with the verification, pending. */
  async create(params: CreateVerificationParams): Promise<Verification> {
    return unwrap(await this.#client.POST("/v1/verifications", { body: params }));
  }

  /** POST /v1/verifications/{id}/check: `valid` says whether `code` was right; an ended verification throws (409). */
  async check(id: string, code: string): Promise<VerificationCheck> {
    return unwrap(await this.#client.POST("/v1/verifications/{id}/check", { params: { path: { id } }, body: { code } }));
  }

  /** POST /v1/verification_checks: the code checked against the recipient's newest pending verification. */
  async checkRecipient(params: CheckVerificationParams): Promise<VerificationCheck> {
    return unwrap(await this.#client.POST("/v1/verification_checks", { body: params }));
  }

  /** GET /v1/verifications/{id}. */
  async retrieve(id: string): Promise<Verification> {
    return unwrap(await this.#client.GET("/v1/verifications/{id}", { params: { path: { id } } }));
  }

  /** GET /v1/verifications: one page, newest first, filtered by status and to. */
  async listPage(query: ListVerificationsParams = {}): Promise<VerificationList> {
    return unwrap(await this.#client.GET("/v1/verifications", { params: { query } }));
  }

  /** POST /v1/verifications/{id}/cancel. */
  async cancel(id: string): Promise<Verification> {
    return unwrap(await this.#client.POST("/v1/verifications/{id}/cancel", { params: { path: { id } } }));
  }

  /** POST /v1/verifications/{id}/resend: the same code, on `channel` or the channel tried last. */
  async resend(id: string, channel?: "WHATSAPP" | "SMS" | "EMAIL"): Promise<Verification> {
    return unwrap(await this.#client.POST("/v1/verifications/{id}/resend", { params: { path: { id } }, body: channel === undefined ? {} : { channel } }));
  }
}
