// Signing a status callback reads the account's secrets from the message's own
// database (a copy each roll writes there), not from the control database that
// every message shares; a copy that is missing or too old is read through.
import { env } from "cloudflare:workers";
import { eq } from "drizzle-orm";
import { describe, expect, it } from "vitest";
import { secretsCopy, storeSecretsCopy } from "../../src/db/account-secrets.ts";
import { accounts } from "../../src/db/control-schema.ts";
import { shardDatabase } from "../../src/db/shards.ts";
import { COPY_TRUST_SECONDS, readSigningSecrets } from "../../src/delivery/signing-secrets.ts";
import { newId, newMessageId, unixSeconds } from "../../src/domain/ids.ts";
import { homedOn } from "../../src/domain/placement.ts";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { db } from "../support/db.ts";

const copy = { webhookSecret: "whsec_Y29weQ==", previousWebhookSecret: null, previousWebhookSecretExpiresAt: null };

describe("the signing secrets of a message's callbacks", () => {
  it("come from the copy on the message's own database while it is fresh, then from the control database again", async () => {
    const account = await createAccount("test", { placement: homedOn(1) });
    const messageId = newMessageId(1);
    const now = Date.now();
    await storeSecretsCopy(shardDatabase(env, 1), { id: account.id, ...copy }, unixSeconds(now));

    expect(await readSigningSecrets(env, db(), account.id, messageId, now)).toMatchObject(copy);
    const later = now + COPY_TRUST_SECONDS * 1000;
    expect(await readSigningSecrets(env, db(), account.id, messageId, later)).toMatchObject({ webhookSecret: account.webhookSecret });
    // Read through and written back: the copy is the control database's again.
    expect(await secretsCopy(shardDatabase(env, 1), account.id)).toMatchObject({ webhookSecret: account.webhookSecret, copiedAt: unixSeconds(later) });
  });

  it("are read through from the control database and copied when the message's database has no copy", async () => {
    const account = await createAccount("test", { placement: homedOn(0) });
    expect(await secretsCopy(shardDatabase(env, 0), account.id)).toBeUndefined();
    expect(await readSigningSecrets(env, db(), account.id, newMessageId(0))).toMatchObject({ webhookSecret: account.webhookSecret });
    expect(await secretsCopy(shardDatabase(env, 0), account.id)).toMatchObject({ webhookSecret: account.webhookSecret });
  });

  it("are none for an account that no longer exists", async () => {
    expect(await readSigningSecrets(env, db(), newId("acct"), newMessageId(0))).toBeNull();
  });

  it("are copied by a roll to every database the account's messages are on", async () => {
    const account = await createAccount("test", { placement: { home: 0, write: [0, 1], read: [0, 1] } });
    const res = await api("/v1/account/webhook_secret/roll", { key: account.key, method: "POST" });
    expect(res.status).toBe(200);
    const [rolled] = await db().select().from(accounts).where(eq(accounts.id, account.id));
    expect(rolled!.webhookSecret).not.toBe(account.webhookSecret);
    for (const shard of [0, 1]) {
      expect(await secretsCopy(shardDatabase(env, shard), account.id)).toMatchObject({
        webhookSecret: rolled!.webhookSecret,
        previousWebhookSecret: account.webhookSecret,
      });
    }
  });
});
