// `npm run keys -- revoke` picks the one key to revoke: by its id, or by the
// 8-hex-digit prefix `keys list` shows plus --account. A prefix is 32 bits, so
// two accounts can hold keys with the same one; a prefix that matches keys in
// several accounts (or several keys) must be refused, never revoke them all.
// The script reads the candidate rows and lets keyToRevoke choose; this tests
// the choice (scripts run under Node against wrangler's D1, outside workerd).
import { describe, expect, it } from "vitest";
import { keyToRevoke, type StoredKey } from "../../scripts/lib/key-revocation.ts";

const PREFIX = "sk_live_v2_1a2b3c4d";
const acme: StoredKey = { id: `key_${"a".repeat(32)}`, prefix: PREFIX, account: "acme", revoked_at: null };
const globex: StoredKey = { id: `key_${"b".repeat(32)}`, prefix: PREFIX, account: "globex", revoked_at: null };
const acmeOther: StoredKey = { id: `key_${"c".repeat(32)}`, prefix: "sk_live_v2_99999999", account: "acme", revoked_at: null };

describe("keyToRevoke", () => {
  it("refuses a prefix that matches keys in several accounts, naming them, and revokes none", () => {
    const choice = keyToRevoke([acme, globex], PREFIX);
    expect(choice).not.toHaveProperty("revoke");
    expect("error" in choice && choice.error).toMatch(/ambiguous/i);
    expect("error" in choice && choice.error).toMatch(/acme/);
    expect("error" in choice && choice.error).toMatch(/globex/);
    expect("error" in choice && choice.error).toMatch(/--account/);
  });

  it("revokes the prefix's key in the account given with --account", () => {
    expect(keyToRevoke([acme, globex], PREFIX, "globex")).toEqual({ revoke: globex });
    expect(keyToRevoke([acme, globex, acmeOther], PREFIX, "acme")).toEqual({ revoke: acme });
  });

  it("revokes a prefix that matches one active key in one account", () => {
    expect(keyToRevoke([acme, { ...globex, revoked_at: 1_718_329_481 }], PREFIX)).toEqual({ revoke: acme });
  });

  it("refuses a prefix that matches several keys of one account: they must be revoked by id", () => {
    const twin: StoredKey = { ...acme, id: `key_${"d".repeat(32)}` };
    const choice = keyToRevoke([acme, twin], PREFIX, "acme");
    expect(choice).not.toHaveProperty("revoke");
    expect("error" in choice && choice.error).toContain(acme.id);
    expect("error" in choice && choice.error).toContain(twin.id);
  });

  it("revokes by key id, whatever other keys share its prefix", () => {
    expect(keyToRevoke([acme, globex], globex.id)).toEqual({ revoke: globex });
    expect(keyToRevoke([acme, globex], globex.id, "globex")).toEqual({ revoke: globex });
  });

  it("refuses a key id that belongs to another account than --account", () => {
    expect(keyToRevoke([acme, globex], globex.id, "acme")).toHaveProperty("error");
  });

  it("says so when nothing active matches", () => {
    expect(keyToRevoke([], PREFIX)).toHaveProperty("error");
    expect(keyToRevoke([acme], PREFIX, "globex")).toHaveProperty("error");
    expect(keyToRevoke([{ ...acme, revoked_at: 1 }], acme.id)).toMatchObject({ error: expect.stringMatching(/already revoked/) });
  });

  it("refuses what is neither a key id nor a prefix", () => {
    for (const target of ["sk_live_v2", "1a2b3c4d", "sk_live_v2_1a2b3c4d5e6f", "key_123", "' OR 1=1 --"]) {
      expect(keyToRevoke([acme], target), target).toHaveProperty("error");
    }
  });
});
