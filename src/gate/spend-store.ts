// The gate's count of the account's spend per UTC day and month, in
// ten-thousandths of its currency, and the usage alerts already fired in each
// window. Kept in the gate's own storage (prefix spend_): like the daily
// message counts, they must survive the object's eviction.
import { alertsPassed, limitPassed, type SpendWindow, type Spent, type UsageAlert, windowOf } from "../domain/spend.ts";

/** The limits and alerts a charge is checked against, as the account holds them. */
export interface SpendRules {
  daily: number | null;
  monthly: number | null;
  alerts: UsageAlert[];
}

/** The windows a charge went to, so that a refund takes it back from the same ones. */
export interface SpendWindows {
  day: string;
  month: string;
}

export type Charge =
  | { kind: "charged"; windows: SpendWindows; spent: Spent; fired: UsageAlert[] }
  | { kind: "limit_reached"; window: SpendWindow; limit: number; spent: Spent };

export class SpendStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS spend_windows (window TEXT PRIMARY KEY, amount INTEGER NOT NULL)");
    sql.exec("CREATE TABLE IF NOT EXISTS spend_alerts_fired (window TEXT NOT NULL, alert TEXT NOT NULL, PRIMARY KEY (window, alert))");
  }

  /**
   * Adds `amount` to the windows of `now` unless it would pass a limit; the
   * alerts whose threshold it passed, each once per window. No await: two
   * charges never interleave.
   */
  charge(amount: number, rules: SpendRules, now: number): Charge {
    const windows = { day: `day:${windowOf("day", now)}`, month: `month:${windowOf("month", now)}` };
    this.#dropOld(windows);
    const spent = { day: this.#amount(windows.day), month: this.#amount(windows.month) };
    const passed = limitPassed(spent, amount, rules);
    if (passed) return { kind: "limit_reached", window: passed, limit: (passed === "day" ? rules.daily : rules.monthly) ?? 0, spent };
    this.#add(windows.day, amount);
    this.#add(windows.month, amount);
    const after = { day: spent.day + amount, month: spent.month + amount };
    const fired = alertsPassed(rules.alerts, spent, after).filter((alert) => this.#fireOnce(windows[alert.window], alert));
    return { kind: "charged", windows, spent: after, fired };
  }

  /**
   * Starts the windows of `now` from the spend already recorded in the
   * rollups (an account that just got a limit or an alert was not counted
   * before). The larger figure stands: a create the gate counted since it
   * is in both, and a second save must not count the day twice.
   */
  start(recorded: Spent, now: number): void {
    const windows = { day: `day:${windowOf("day", now)}`, month: `month:${windowOf("month", now)}` };
    this.#dropOld(windows);
    for (const window of ["day", "month"] as const) {
      this.sql.exec(
        "INSERT INTO spend_windows (window, amount) VALUES (?, ?) ON CONFLICT (window) DO UPDATE SET amount = max(amount, excluded.amount)",
        windows[window],
        recorded[window],
      );
    }
  }

  /** Takes back a charge whose message was not stored. */
  refund(amount: number, windows: SpendWindows): void {
    this.#add(windows.day, -amount);
    this.#add(windows.month, -amount);
  }

  /** The spend so far in the windows of `now`. */
  spent(now: number): Spent {
    return { day: this.#amount(`day:${windowOf("day", now)}`), month: this.#amount(`month:${windowOf("month", now)}`) };
  }

  #amount(window: string): number {
    const [row] = this.sql.exec<{ amount: number }>("SELECT amount FROM spend_windows WHERE window = ?", window).toArray();
    return row?.amount ?? 0;
  }

  #add(window: string, amount: number): void {
    this.sql.exec(
      "INSERT INTO spend_windows (window, amount) VALUES (?, ?) ON CONFLICT (window) DO UPDATE SET amount = amount + excluded.amount",
      window,
      amount,
    );
  }

  /** True the first time this alert fires in this window. */
  #fireOnce(window: string, alert: UsageAlert): boolean {
    const key = `${alert.threshold}|${alert.url}`;
    const inserted = this.sql.exec("INSERT INTO spend_alerts_fired (window, alert) VALUES (?, ?) ON CONFLICT DO NOTHING", window, key);
    return inserted.rowsWritten > 0;
  }

  /** Windows before the current ones are dropped (a day's or month's spend matters only in its window). */
  #dropOld(windows: SpendWindows): void {
    this.sql.exec("DELETE FROM spend_windows WHERE window NOT IN (?, ?)", windows.day, windows.month);
    this.sql.exec("DELETE FROM spend_alerts_fired WHERE window NOT IN (?, ?)", windows.day, windows.month);
  }
}
