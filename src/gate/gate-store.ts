// The gate's own storage: the account's daily message counts per channel,
// which must survive the object's eviction (they are what caps a day's spend).
// Everything else the gate holds is a cache of D1, kept in memory.
import type { Channel } from "../domain/address.ts";

export class GateStore {
  #today = "";

  constructor(private readonly sql: SqlStorage) {
    sql.exec("CREATE TABLE IF NOT EXISTS daily_messages (day TEXT NOT NULL, channel TEXT NOT NULL, count INTEGER NOT NULL, PRIMARY KEY (day, channel))");
  }

  /** Takes a slot of today's cap for the channel, if one is left. */
  reserve(day: string, channel: Channel, limit: number): boolean {
    this.#startDay(day);
    const [row] = this.sql.exec<{ count: number }>("SELECT count FROM daily_messages WHERE day = ? AND channel = ?", day, channel).toArray();
    if ((row?.count ?? 0) >= limit) return false;
    this.sql.exec("INSERT INTO daily_messages (day, channel, count) VALUES (?, ?, 1) ON CONFLICT (day, channel) DO UPDATE SET count = count + 1", day, channel);
    return true;
  }

  /** Gives back a slot whose request created no message. */
  release(day: string, channel: Channel): void {
    this.sql.exec("UPDATE daily_messages SET count = count - 1 WHERE day = ? AND channel = ? AND count > 0", day, channel);
  }

  /** On the first request of a day, earlier days' counts are dropped. */
  #startDay(day: string): void {
    if (day === this.#today) return;
    this.sql.exec("DELETE FROM daily_messages WHERE day < ?", day);
    this.#today = day;
  }
}
