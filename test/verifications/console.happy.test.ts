// The Console's Verifications page: the list, a verification's attempts,
// checks and callbacks, and the fraud guard's refusals; never the code.
import { afterEach, describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { fakeReceiver } from "../support/fake-http.ts";
import { eventually } from "../support/wait.ts";
import { startVerification, testCode } from "./verifications.fixture.ts";

const fakes: { restore(): void }[] = [];
afterEach(() => {
  for (const fake of fakes.splice(0)) fake.restore();
});

describe("the Console's Verifications page", () => {
  it("lists verifications, shows one's attempts, checks and callbacks without its code, and the fraud guard's refusals", async () => {
    const receiver = fakeReceiver();
    fakes.push(receiver);
    const account = await createAccount();
    const verification = await startVerification(account, { to: "+14155550140", code_length: 10, status_callback: receiver.url });
    const code = await testCode(account, verification.id);
    await api(`/v1/verifications/${verification.id}/check`, { key: account.key, json: { code: "0000000000" } });
    await api(`/v1/verifications/${verification.id}/check`, { key: account.key, json: { code } });
    for (let i = 0; i < 5; i++) await startVerification(account, { to: "+14155550141" });
    expect((await api("/v1/verifications", { key: account.key, json: { to: "+14155550141" } })).status).toBe(429);
    await eventually(() => receiver.requests.length === 2);
    const session = await signIn(account);

    const list = await eventually(async () => {
      const text = await (await consoleFetch("/console/verifications", { cookie: session.cookie })).text();
      return text.includes(`/console/verifications/${verification.id}`) && text.includes("approved") && text;
    });
    expect(list).toMatch(/<td>[^<]*<\/td><td>\+14155550141<\/td><td><code>verification_rate_limited<\/code><\/td>/);

    const detail = await (await consoleFetch(`/console/verifications/${verification.id}`, { cookie: session.cookie })).text();
    expect(detail).toContain(`href="/console/messages/${verification.attempts[0]!.message_id}"`);
    expect(detail).toContain("wrong code");
    expect(detail).toContain("right code");
    expect(detail).toMatch(/<code>verification\.approved<\/code>: delivered after 1 attempt/);
    expect(detail).not.toContain(code);
    const message = await (await consoleFetch(`/console/messages/${verification.attempts[0]!.message_id}`, { cookie: session.cookie })).text();
    expect(message).not.toContain(code);
    expect((await consoleFetch(`/console/verifications/${verification.id.replace(/.$/, "f")}`, { cookie: session.cookie })).status).toBe(404);
  });
});
