// On a deployment with an operator account, the sign-in link goes out as an
// OmniFlow email from that account and never to the log.
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

describe("sign-in links on a deployment", () => {
  it("are emailed from the operator account and its sender, and never logged", async () => {
    const operator = await createAccount("live");
    await bindSender(operator, "email", { address: "console@omniflow.test", name: "OmniFlow Console" });
    const customer = await createAccount();
    const email = `${crypto.randomUUID()}@example.com`;
    await linkToken(customer, 900, email);
    const config = parseConfig({ ...env, CONSOLE_OPERATOR_ACCOUNT: operator.id, CONSOLE_EMAIL_FROM: "console@omniflow.test" });
    const lines: string[] = [];
    for (const level of ["log", "warn", "error"] as const) vi.spyOn(console, level).mockImplementation((line: string) => void lines.push(String(line)));

    await requestSignIn(env, workerControl(env), config, email, "https://api.omniflow.test", false);

    const [sent] = await accountMessageRows(operator.id);
    expect(sent).toMatchObject({ channel: "email", to: email, from: "console@omniflow.test", mode: "live" });
    const link = /https:\/\/api\.omniflow\.test\/console\/auth\?token=([0-9a-f]{64})/.exec((sent!.content as { text: string }).text);
    expect(link).not.toBeNull();
    expect(lines.join("\n")).not.toContain(link![1]);
    expect(lines.join("\n")).not.toContain("console_sign_in_link");
    expect((await openLink(link![1]!)).cookie).toMatch(/^__Host-omniflow_console=/);
  });
});
