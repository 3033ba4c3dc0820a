// npm run keys -- create --account NAME --mode test|live [--json] [--remote]
// npm run keys -- list --account NAME [--remote]
// npm run keys -- revoke KEY_ID | PREFIX [--account NAME] [--remote]
// npm run keys -- limits --account NAME [--rps N] [--daily N] [--remote]
// npm run keys -- number-types --account NAME [--allow T,...] [--block T,...] [--remote]
// npm run keys -- senders add|list|remove ...
// npm run keys -- console-link --account NAME [--email E] [--url ORIGIN] [--remote]
import { parseArgs } from "node:util";
import { consoleLink, createKey, listKeys, revokeKey, setLimits } from "./accounts.ts";
import { setNumberTypes } from "./number-types.ts";
import { bindNamedSender, listNamedSenders, removeNamedSender } from "./senders.ts";

const USAGE = `usage:
  npm run keys -- create --account NAME --mode test|live [--json] [--remote]
  npm run keys -- list --account NAME [--remote]
  npm run keys -- revoke KEY_ID | PREFIX [--account NAME] [--remote]
      revokes one key: by its id, or by its prefix (with --account when keys of
      several accounts share it); 'list' shows both
  npm run keys -- limits --account NAME [--rps N] [--daily N] [--remote]
      --rps: requests per second per API key (bursts of twice that)
      --daily: messages per channel per UTC day (live mode)
      without --rps or --daily: shows the limits in force
  npm run keys -- number-types --account NAME [--allow T,...] [--block T,...] [--remote]
      number types the account may message: premium_rate, shared_cost,
      international_network (+881, +882, +883); all blocked by default
  npm run keys -- senders add --account NAME --channel sms|whatsapp|email --address ADDRESS
                              [--phone-number-id ID] [--name NAME] [--no-default] [--remote]
      binds a live sender to the account (operator_bound), or approves the
      account's pending claim of it (alphanumeric sender ids need this)
  npm run keys -- senders list --account NAME [--remote]
  npm run keys -- senders remove SENDER_ID --account NAME [--remote]
  npm run keys -- console-link --account NAME [--email E] [--url ORIGIN] [--remote]
      prints a one-time Console sign-in link (15 minutes) for the account's user
      with this email (default: NAME@localhost), adding the user if new; --url is
      the Worker's origin (default http://localhost:8787)`;

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      account: { type: "string" },
      mode: { type: "string" },
      json: { type: "boolean", default: false },
      remote: { type: "boolean", default: false },
      rps: { type: "string" },
      daily: { type: "string" },
      allow: { type: "string" },
      block: { type: "string" },
      channel: { type: "string" },
      address: { type: "string" },
      "phone-number-id": { type: "string" },
      name: { type: "string" },
      "no-default": { type: "boolean", default: false },
      email: { type: "string" },
      url: { type: "string", default: "http://localhost:8787" },
    },
  });
  const target = { remote: values.remote };
  const [command, argument] = positionals;

  if (command === "create" && values.account && (values.mode === "test" || values.mode === "live")) {
    const created = await createKey(target, values.account, values.mode);
    if (values.json) {
      console.log(JSON.stringify({ account: created.account, key: created.key, webhook_secret: created.webhook_secret }));
    } else {
      console.log(`Account:        ${created.account} (${created.account_id}, ${created.mode} mode)`);
      console.log(`API key:        ${created.key}`);
      console.log(`Webhook secret: ${created.webhook_secret}`);
      console.log("The key is shown only this once: store it now.");
    }
  } else if (command === "list" && values.account) {
    for (const key of listKeys(target, values.account)) {
      const created = new Date(key.created_at * 1000).toISOString();
      const state = key.revoked_at ? `revoked ${new Date(key.revoked_at * 1000).toISOString()}` : "active";
      console.log(`${key.id}  ${key.prefix}...  created ${created}  ${state}`);
    }
  } else if (command === "revoke" && argument) {
    const revoked = await revokeKey(target, argument, values.account);
    console.log(`Revoked ${revoked.id} (${revoked.prefix}..., account ${revoked.account}).`);
    console.log("It stops working within 10 s, when the account's gate reloads its keys (revoke through the API for at once).");
  } else if (command === "limits" && values.account) {
    const number = (value: string | undefined) => (value === undefined ? undefined : Number(value));
    const limits = await setLimits(target, values.account, { rps: number(values.rps), daily: number(values.daily) });
    if (values.json) {
      console.log(JSON.stringify(limits));
    } else {
      const daily = limits.daily_messages_per_channel ?? "none (test mode)";
      console.log(`Account:         ${limits.account} (${limits.mode} mode)`);
      console.log(`Request rate:    ${limits.requests_per_second}/s per API key, bursts up to ${limits.burst}`);
      console.log(`Daily messages:  ${daily} per channel per UTC day`);
    }
  } else if (command === "number-types" && values.account) {
    const settings = await setNumberTypes(target, values.account, values.allow, values.block);
    console.log(
      values.json
        ? JSON.stringify(settings)
        : Object.entries(settings.number_types)
            .map(([type, setting]) => `${type}: ${setting}`)
            .join("\n"),
    );
  } else if (command === "console-link" && values.account) {
    const link = await consoleLink(target, values.account, values.email ?? `${values.account}@localhost`, values.url);
    console.log(`Console sign-in link (works once, for 15 minutes):\n${link}`);
  } else if (command === "senders" && values.account) {
    await senders(argument, positionals[2], values);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
}

type Options = Record<string, string | boolean | undefined> & { account?: string; remote: boolean };

async function senders(action: string | undefined, senderId: string | undefined, values: Options): Promise<void> {
  const target = { remote: values.remote };
  const account = values.account!;
  if (action === "add" && typeof values.channel === "string" && typeof values.address === "string") {
    const bound = await bindNamedSender(target, {
      account,
      channel: values.channel,
      address: values.address,
      phoneNumberId: values["phone-number-id"] as string | undefined,
      name: values.name as string | undefined,
      isDefault: !values["no-default"],
    });
    console.log(`Bound ${bound.id}: ${bound.channel} ${bound.address} to account ${account} (${bound.status}).`);
  } else if (action === "list") {
    for (const row of await listNamedSenders(target, account)) {
      const extra = row.phoneNumberId ? `  phone_number_id ${row.phoneNumberId}` : "";
      console.log(`${row.id}  ${row.channel}  ${row.address}  ${row.status}${row.isDefault ? "  default" : ""}${extra}`);
    }
  } else if (action === "remove" && senderId) {
    await removeNamedSender(target, account, senderId);
    console.log(`Removed ${senderId} from account ${account}.`);
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
}

main().catch((error: Error) => {
  console.error(`keys: ${error.message}`);
  process.exitCode = 1;
});
