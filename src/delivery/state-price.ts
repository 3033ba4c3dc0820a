// A message's price as its Durable Object knows it (src/domain/price-message.ts):
// the steps handed off, by the prices its create stored for each step.
import type { MessagePrice } from "../domain/price-message.ts";
import { messagePrice } from "../domain/price-message.ts";
import { isTerminal } from "../domain/status.ts";
import type { DeliveryState } from "./delivery-state.ts";

export function statePrice(state: DeliveryState): MessagePrice {
  const { stepPrices, priceUnit } = state.message;
  // A state stored before prices existed holds neither: its message stays unpriced.
  return messagePrice(stepPrices ?? [], priceUnit ?? null, {
    handedOff: Array.from(state.attempts, (attempt) => attempt?.handed_off_at != null),
    step: state.step,
    over: isTerminal(state.status),
  });
}
