// The Console's Usage page and its CSV: the period's spend from the rollups,
// and every message of the period with its price, in a file a spreadsheet
// opens without running a cell as a formula.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { consoleFetch, signIn } from "../support/console.ts";
import { createMessage, smsBody } from "../support/messages.ts";
import { setAccountRate } from "../support/rates.ts";

describe("the Console's Usage page", () => {
  it("shows the period's spend by day, channel and country, and downloads its messages with their prices", async () => {
    const account = await createAccount();
    await setAccountRate(account, "sms", "US", "0.0079");
    const first = await createMessage(account, smsBody({ content: { text: "a".repeat(161) } }));
    const second = await createMessage(account, smsBody());
    const session = await signIn(account);
    const today = new Date().toISOString().slice(0, 10);

    const page = await (await consoleFetch(`/console/usage?start=${today}&end=${today}`, { cookie: session.cookie })).text();
    expect(page).toContain('aria-current="page">Usage');
    expect(page).toMatch(new RegExp(`<td>${today}</td><td>sms</td><td>US</td><td>2</td><td>3</td><td class="mono">0.0237 USD</td>`));

    const res = await consoleFetch(`/console/usage.csv?start=${today}&end=${today}`, { cookie: session.cookie });
    expect(res.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(res.headers.get("Content-Disposition")).toContain("attachment");
    const lines = (await res.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe("id,created_at,channel,to,country,status,segments,price,price_unit,price_status");
    // Newest first; the recipient's leading + made text, so a spreadsheet does not read it as a formula.
    // (The sandbox may have delivered them meanwhile: any status, and the price estimated or final.)
    const row = (id: string, segments: string, price: string) => [
      id,
      expect.stringMatching(/^\d{4}-/),
      "sms",
      "'+14155550123",
      "US",
      expect.any(String),
      segments,
      price,
      "USD",
      expect.stringMatching(/^(estimated|final)$/),
    ];
    expect(lines.slice(1).map((line) => line.split(","))).toEqual([row(second.id, "1", "0.0079"), row(first.id, "2", "0.0158")]);
  });

  it("downloads only the signed-in account's messages", async () => {
    const [mine, theirs] = [await createAccount(), await createAccount()];
    await createMessage(theirs, smsBody());
    const session = await signIn(mine);
    const csv = await (await consoleFetch("/console/usage.csv", { cookie: session.cookie })).text();
    expect(csv.trimEnd().split("\r\n")).toHaveLength(1);
  });
});
