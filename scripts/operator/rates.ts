// npm run rates -- set --channel sms --country US --price 0.0079 [--category C] [--currency USD] [--account NAME] [--remote]
// npm run rates -- import FILE.csv [--account NAME] [--remote]
// npm run rates -- list [--account NAME] [--remote]
import { readFileSync } from "node:fs";
import { parseArgs } from "node:util";
import { formatAmount } from "../../src/domain/price.ts";
import type { Result } from "../../src/domain/result.ts";
import { cardRates, csvRates, setRates } from "../../src/services/rates.ts";
import { scriptControl } from "../lib/control.ts";

const USAGE = `usage:
  npm run rates -- set --channel sms|mms|whatsapp|email --price 0.0079 [--country US|*] [--category C]
                       [--currency USD] [--account NAME] [--remote]
      sets one rate: per SMS segment, per MMS, per WhatsApp message (--category
      marketing|utility|authentication|service) or per email; --country * (the
      default) prices every country without its own rate; --account sets that
      account's override instead of the default card
  npm run rates -- import FILE.csv [--account NAME] [--remote]
      sets every rate of a CSV card (columns channel,country,category,price,currency);
      scripts/operator/rates.example.csv is an EXAMPLE, not anyone's real prices
  npm run rates -- list [--account NAME] [--remote]
Prices reach new messages when each account's gate reloads its card (within 10 s).`;

function unwrap<T>(result: Result<T>): T {
  if (!result.ok) throw new Error(result.problem.message);
  return result.value;
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      channel: { type: "string" },
      country: { type: "string" },
      category: { type: "string" },
      price: { type: "string" },
      currency: { type: "string" },
      account: { type: "string" },
      remote: { type: "boolean", default: false },
    },
  });
  const control = scriptControl({ remote: values.remote });
  const [command, file] = positionals;
  const card = values.account ?? "the default card";
  if (command === "set" && values.channel && values.price) {
    const { channel, country, category, price, currency } = values;
    unwrap(await setRates(control, values.account, [{ channel, country, category, price, currency }]));
    console.log(`Set in ${card}.`);
  } else if (command === "import" && file) {
    const set = unwrap(await setRates(control, values.account, unwrap(csvRates(readFileSync(file, "utf8")))));
    console.log(`Set ${set.length} rates in ${card}.`);
  } else if (command === "list") {
    for (const rate of unwrap(await cardRates(control, values.account))) {
      console.log(`${rate.kind.padEnd(9)} ${rate.country.padEnd(3)} ${(rate.category || "-").padEnd(15)} ${formatAmount(rate.price)} ${rate.currency}`);
    }
  } else {
    console.error(USAGE);
    process.exitCode = 2;
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
