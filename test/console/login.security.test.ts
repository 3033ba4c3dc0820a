// On a deployment with an operator account, the sign-in link goes out as an
// OmniFlow email from that account and never to the log; and no more than 5
// links a user are live at once, however often the form is sent.
import { env } from "cloudflare:workers";
import { afterEach, describe, expect, it, vi } from "vitest";
import { parseConfig } from "../../src/config.ts";
import { requestSignIn } from "../../src/services/console-auth.ts";
import { workerControl } from "../../src/services/control.ts";
import { createAccount } from "../support/accounts.ts";
import { linkToken, openLink } from "../support/console.ts";
import { accountMessageRows } from "../support/db.ts";
import { bindSender } from "../support/resources.ts";

afterEach(() => vi.restoreAllMocks());

/**
 * A deployment whose operator account sends sign-in links from `from`, a customer whose user (a fresh address) has
 * one link live for `liveSeconds` more, and every log line captured.
 */
async function deployment(from: string, liveSeconds: number) {
  const operator = await createAccount("live");
  await bindSender(operator, "email", { address: from, name: "OmniFlow Console" });
  const customer = await createAccount();
  const email = `${crypto.randomUUID()}@example.com`;
  await linkToken(customer, liveSeconds, email);
  const config = parseConfig({ ...env, CONSOLE_OPERATOR_ACCOUNT: operator.id, CONSOLE_EMAIL_FROM: from });
  const lines: string[] = [];
  for (const level of ["log", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(String(line)));
  return { operator, email, config, lines };
}

describe("sign-in links on a deployment", () => {
  it("are emailed from the operator account and its sender, and never logged", async () => {
    const { operator, email, config, lines } = await deployment("console@omniflow.test", 900);

    await requestSignIn(env, workerControl(env), config, email, "https://api.omniflow.test", false);

    const [sent] = await accountMessageRows(operator.id);
    expect(sent).toMatchObject({ channel: "email", to: email, from: "console@omniflow.test", mode: "live" });
    const link = /https:\/\/api\.omniflow\.test\/console\/auth\?token=([0-9a-f]{64})/.exec((sent!.content as { text: string }).text);
    expect(link).not.toBeNull();
    expect(lines.join("\n")).not.toContain(link![1]);
    expect(lines.join("\n")).not.toContain("console_sign_in_link");
    expect((await openLink(link![1]!)).cookie).toMatch(/^__Host-omniflow_console=/);
  });

  it("sends no more than 5 live links to a user (15 minutes each), however often the form is sent for the address", async () => {
    // One link already live (the user asked a minute ago).
    const { operator, email, config, lines: warned } = await deployment("console-limits@omniflow.test", 840);

    for (let i = 0; i < 8; i++) await requestSignIn(env, workerControl(env), config, email, "https://api.omniflow.test", false);

    // 4 more make 5 live; the other 4 requests send nothing, and say so in the log without the address.
    expect(await accountMessageRows(operator.id)).toHaveLength(4);
    const limited = warned.filter((line) => line.includes("console_sign_in_limited"));
    expect(limited).toHaveLength(4);
    expect(limited.join("\n")).not.toContain(email);
  });
});
