// A live verification's code is sealed once its message is handed off: the
// verification's object stores only the code's hash and its AES-GCM
// ciphertext (a key derived from VERIFICATION_CODE_SECRET and the
// verification's id), never the digits; a resend opens it and sends the same code.
import { runInDurableObject } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { verifierStub } from "../../src/delivery/verifier.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { bindSender } from "../support/resources.ts";
import { eventually } from "../support/wait.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** Everything the verification's object has stored: its state and its outbox of events. */
function storedText(id: string): Promise<string> {
  return runInDurableObject(verifierStub(env, id), (_, state) =>
    [
      ...state.storage.sql.exec<{ json: string }>("SELECT json FROM state").toArray(),
      ...state.storage.sql.exec<{ body: string }>("SELECT body FROM outbox").toArray(),
    ]
      .map((row) => Object.values(row).join(""))
      .join("\n"),
  );
}

const smsBodies = (providers: ReturnType<typeof fakeProviders>) =>
  providers.requests.filter((request) => request.url.hostname === "twilio.fake").map((request) => new URLSearchParams(request.body).get("Body") ?? "");

describe("a live verification's code while pending", () => {
  it("is stored only sealed once handed off, and a resend still sends the same code", async () => {
    const providers = fakeProviders();
    fakes.push(providers);
    const account = await createAccount("live");
    await bindSender(account, "sms");
    // Ten digits: no id or timestamp of the stored state holds them by chance.
    const created = await api("/v1/verifications", { key: account.key, json: { to: "+14155550151", code_length: 10 } });
    expect(created.status).toBe(201);
    const { id } = await created.json<{ id: string }>();
    const first = await eventually(() => smsBodies(providers)[0], 15_000);
    const code = /([0-9]{10})/.exec(first)?.[1];
    expect(code).toMatch(/^[0-9]{10}$/);

    const stored = await storedText(id);
    expect(stored).toContain(id);
    expect(stored).not.toContain(code);

    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 31_000 });
    const resent = await api(`/v1/verifications/${id}/resend`, { key: account.key, method: "POST" });
    expect(resent.status).toBe(200);
    const second = await eventually(() => smsBodies(providers)[1], 15_000);
    expect(second).toContain(code);
    expect(await storedText(id)).not.toContain(code);
    // And the code still approves it.
    const checked = await api(`/v1/verifications/${id}/check`, { key: account.key, json: { code } });
    expect(await checked.json()).toMatchObject({ status: "approved", valid: true });
  });
});
