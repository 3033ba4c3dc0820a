// One account's geo settings never apply to another's creates.
import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, expectError } from "../support/api.ts";
import { smsBody } from "../support/messages.ts";
import { country, geoPermissions, NUMBERS, setCountries } from "./geo-permissions.fixture.ts";

describe("geo permissions are per account", () => {
  it("an account allowing a high-risk country does not open it for another", async () => {
    const [opener, other] = [await createAccount(), await createAccount()];
    await setCountries(opener, { SO: "allowed", NG: "blocked" });
    expect((await api("/v1/messages", { key: opener.key, json: smsBody({ to: NUMBERS.somalia }) })).status).toBe(201);
    const refused = await api("/v1/messages", { key: other.key, json: smsBody({ to: NUMBERS.somalia }) });
    await expectError(refused, 400, { code: "destination_country_blocked", param: "to" });
    // ...and its blocking a country does not block it for the other.
    expect((await api("/v1/messages", { key: other.key, json: smsBody({ to: NUMBERS.nigeria }) })).status).toBe(201);
    const { countries } = await geoPermissions(other);
    expect([country(countries, "SO")?.allowed, country(countries, "NG")?.allowed]).toEqual([false, true]);
  });
});
