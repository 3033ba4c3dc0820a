// The account gate's part in spend control: each create's estimated price
// counted against the account's limits (spend-store.ts), and the events of
// the usage alerts it fires posted from the gate's alarm (usage-alerts.ts).
// All in the gate's own storage (prefix spend_).
import type { Account } from "../domain/account.ts";
import type { Spent } from "../domain/spend.ts";
import { type Charge, SpendStore, type SpendWindows } from "./spend-store.ts";
import { UsageAlertOutbox } from "./usage-alerts.ts";

/** An alarm knows no account: the id is kept for one that rings after an eviction. */
const ACCOUNT_ID_KEY = "spend_account_id";

export class GateSpend {
  readonly #store: SpendStore;
  readonly #alerts: UsageAlertOutbox;

  constructor(private readonly storage: DurableObjectStorage) {
    this.#store = new SpendStore(storage.sql);
    this.#alerts = new UsageAlertOutbox(storage.sql);
  }

  /** Counts `amount` unless it passes a limit; an alert it fires is stored and the alarm set to post it now. */
  async charge(account: Account, amount: number, currency: string | null): Promise<Charge> {
    const now = Date.now();
    const rules = { daily: account.spendLimitDaily, monthly: account.spendLimitMonthly, alerts: account.usageAlerts ?? [] };
    const charge = this.#store.charge(amount, rules, now);
    if (charge.kind === "charged" && charge.fired.length > 0) {
      this.#alerts.add(charge.fired, charge.spent, currency, now);
      await this.storage.put(ACCOUNT_ID_KEY, account.id);
      await this.rearm();
    }
    return charge;
  }

  /** The windows of now start from the spend the rollups recorded (spend-store.ts). */
  start(recorded: Spent): void {
    this.#store.start(recorded, Date.now());
  }

  refund(amount: number, windows: SpendWindows): void {
    this.#store.refund(amount, windows);
  }

  /** The account whose alerts wait, for an alarm that rings in a gate with none loaded. */
  pendingAccountId(): Promise<string | undefined> {
    return this.storage.get<string>(ACCOUNT_ID_KEY);
  }

  /** Posts the due events, then sets the alarm for the next one. */
  async deliver(account: Account): Promise<void> {
    await this.#alerts.deliverDue(account, Date.now());
    await this.rearm();
  }

  /**
   * The gate's one alarm is shared with its account events (account-events.ts),
   * which may set it later or delete it: it is brought forward to the next
   * alert's post when that is sooner, never pushed back.
   */
  async rearm(): Promise<void> {
    const next = this.#alerts.nextDue();
    if (next === null) return;
    const current = await this.storage.getAlarm();
    if (current === null || current > next) await this.storage.setAlarm(next);
  }
}
