// `npm run keys -- number-types`: the operator allows (or blocks again) number
// types for one account: premium_rate, shared_cost, international_network
// (+881, +882, +883). Accounts cannot change these themselves: a leaked key
// must not be able to open the ranges SMS pumping pays out on. Written through
// the operator's service (src/services/operator.ts); the account's gate reloads
// the account within 10 s (scripts/control.ts says why it cannot be told).
import { BLOCKABLE_NUMBER_TYPES, type BlockableNumberType, numberTypeSettings } from "../src/domain/geo.ts";
import { changeOperatorSettings, findAccountNamed } from "../src/services/operator.ts";
import { scriptControl } from "./control.ts";
import type { D1Target } from "./d1.ts";

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
export async function setNumberTypes(target: D1Target, name: string, allow?: string, block?: string) {
  const control = scriptControl(target);
  const found = await findAccountNamed(control, name);
  if (!found.ok) throw new Error(found.problem.message);
  let allowed = found.value.allowedNumberTypes ?? [];
  if (allow !== undefined || block !== undefined) {
    allowed = changedNumberTypes(allowed, allow, block);
    await changeOperatorSettings(control, found.value, { allowedNumberTypes: allowed.length > 0 ? allowed : null });
  }
  return { account: name, number_types: numberTypeSettings({ allowedNumberTypes: allowed }) };
}
