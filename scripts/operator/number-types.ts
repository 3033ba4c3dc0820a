// `npm run keys -- number-types`: the operator allows (or blocks again) number
// types for one account: premium_rate, shared_cost, international_network
// (+881, +882, +883). Accounts cannot change these themselves: a leaked key
// must not be able to open the ranges SMS pumping pays out on. The account's
// gate reloads the account within 10 s (README, "The account's gate").
import { BLOCKABLE_NUMBER_TYPES, type BlockableNumberType, numberTypeSettings } from "../../src/domain/geo.ts";
import { type D1Target, executeSql, quote } from "../lib/d1.ts";

function numberTypes(option: string, list: string | undefined): BlockableNumberType[] {
  const types = (list ?? "").split(",").filter((type) => type !== "");
  const unknown = types.find((type) => !(BLOCKABLE_NUMBER_TYPES as readonly string[]).includes(type));
  if (unknown !== undefined) throw new Error(`--${option}: '${unknown}' is not one of ${BLOCKABLE_NUMBER_TYPES.join(", ")}`);
  return types as BlockableNumberType[];
}

/** The account's allowed types after allowing `allow` and blocking `block` (comma-separated). */
export function changedNumberTypes(current: readonly BlockableNumberType[], allow?: string, block?: string): BlockableNumberType[] {
  const blocked = new Set(numberTypes("block", block));
  const allowed = new Set([...current, ...numberTypes("allow", allow)]);
  return BLOCKABLE_NUMBER_TYPES.filter((type) => allowed.has(type) && !blocked.has(type));
}

/** Applies the changes (when given) and returns each type's setting now in force. */
export function setNumberTypes(target: D1Target, name: string, allow?: string, block?: string) {
  const select = `SELECT allowed_number_types FROM accounts WHERE name = ${quote(name)}`;
  const [row] = executeSql(target, select)[0] as { allowed_number_types: string | null }[];
  if (!row) throw new Error(`no account named '${name}'`);
  let allowed = JSON.parse(row.allowed_number_types ?? "[]") as BlockableNumberType[];
  if (allow !== undefined || block !== undefined) {
    allowed = changedNumberTypes(allowed, allow, block);
    const stored = allowed.length > 0 ? quote(JSON.stringify(allowed)) : "NULL";
    executeSql(target, `UPDATE accounts SET allowed_number_types = ${stored} WHERE name = ${quote(name)}`);
  }
  return { account: name, number_types: numberTypeSettings({ allowedNumberTypes: allowed }) };
}
