// Usage: a period's spend per day by channel (a server-drawn stacked bar
// chart), the table by day, channel and country from GET /v1/usage's
// rollups, and a CSV download of the period's messages with their prices.
import type { Context } from "hono";
import { html } from "hono/html";
import type { Channel } from "../../domain/address.ts";
import type { Cursor } from "../../domain/cursor.ts";
import type { Message } from "../../domain/message.ts";
import { pageEdges, type ShardPage } from "../../domain/page-merge.ts";
import { formatAmount } from "../../domain/price.ts";
import type { UsageRow } from "../../domain/usage.ts";
import { USAGE_CSV_HEADER, usageCsvLine } from "../../domain/usage-csv.ts";
import { listAccountMessages } from "../../services/message-reads.ts";
import { accountUsage } from "../../services/usage.ts";
import type { ConsoleEnv } from "../context.ts";
import { notice, page } from "../layout.ts";

const COLORS: Record<Channel, string> = { sms: "#2952cc", whatsapp: "#1a7f37", email: "#9a6700" };
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** The CSV's bound: a period with more messages is cut there, and says so in its last line. */
const CSV_MAX_ROWS = 10_000;
const CSV_PAGE = 100;

/** The period of the query string, this month by default; an unreadable date is dropped: this is a page, not the API. */
function periodOf(c: Context<ConsoleEnv>) {
  const today = new Date().toISOString().slice(0, 10);
  const start = c.req.query("start") ?? "";
  const end = c.req.query("end") ?? "";
  return { start: DATE.test(start) ? start : `${today.slice(0, 7)}-01`, end: DATE.test(end) ? end : today };
}

/** One stacked bar per day, one colour per channel, each day's total written above it. */
function chart(rows: UsageRow[]) {
  const days = [...new Set(rows.map((row) => row.keys.day!))].sort();
  if (days.length === 0) return html`<p class="muted">No messages in this period.</p>`;
  const totals = days.map((day) => rows.filter((row) => row.keys.day === day).reduce((sum, row) => sum + row.price, 0));
  const max = Math.max(1, ...totals);
  const width = 640;
  const height = 180;
  const barWidth = width / days.length;
  const bars = days.flatMap((day, i) => {
    let y = height - 20;
    return rows
      .filter((row) => row.keys.day === day)
      .map((row) => {
        const barHeight = Math.round((row.price / max) * (height - 40));
        y -= barHeight;
        const channel = row.keys.channel as Channel;
        return html`<rect x="${i * barWidth + 2}" y="${y}" width="${Math.max(1, barWidth - 4)}" height="${barHeight}" fill="${COLORS[channel]}"><title>${day} ${channel} ${row.keys.country ?? ""}: ${formatAmount(row.price)} ${row.priceUnit}</title></rect>`;
      });
  });
  const labels = days.map((day, i) => html`<text x="${i * barWidth + barWidth / 2}" y="${height - 4}" text-anchor="middle">${day.slice(5)}</text>`);
  return html`<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="Spend per day by channel">${bars}${labels}</svg>
<p class="muted">${Object.entries(COLORS).map(([channel, color]) => html`<svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${color}"></rect></svg> ${channel} `)}</p>`;
}

export async function usagePage(c: Context<ConsoleEnv>) {
  const { start, end } = periodOf(c);
  const result = await accountUsage(c.env, c.get("account"), { start, end, groups: ["day", "channel", "country"], metadataKey: null });
  const rows = result.ok ? result.value : [];
  const csv = `/console/usage.csv?start=${start}&end=${end}`;
  return page(
    c,
    "Usage",
    html`<h1>Usage</h1>
<form class="filters" method="get" action="/console/usage">
<div><label for="u-start">From</label><input id="u-start" type="date" name="start" value="${start}"></div>
<div><label for="u-end">Until</label><input id="u-end" type="date" name="end" value="${end}"></div>
<button type="submit">Show</button> <a href="${csv}" download>Download the messages (CSV)</a>
</form>
${result.ok ? "" : notice(result.problem.message, "error")}
<section class="card"><h2>Spend per day</h2>${chart(rows)}</section>
<section class="card"><h2>By day, channel and country</h2>
<table><thead><tr><th scope="col">Day</th><th scope="col">Channel</th><th scope="col">Country</th><th scope="col">Messages</th><th scope="col">Segments</th><th scope="col">Price</th></tr></thead>
<tbody>${rows.map(
      (row) =>
        html`<tr><td>${row.keys.day}</td><td>${row.keys.channel}</td><td>${row.keys.country ?? "—"}</td><td>${row.count}</td><td>${row.segments}</td><td class="mono">${formatAmount(row.price)} ${row.priceUnit || ""}</td></tr>`,
    )}</tbody></table>
</section>`,
  );
}

/** The period's messages with their prices, newest first, as CSV (at most CSV_MAX_ROWS). */
export async function usageCsv(c: Context<ConsoleEnv>) {
  const { start, end } = periodOf(c);
  const account = c.get("account");
  const filters = { createdGte: Date.parse(`${start}T00:00:00Z`) / 1000, createdLte: Date.parse(`${end}T23:59:59Z`) / 1000 };
  const lines = [USAGE_CSV_HEADER];
  let cursor: Cursor | null = null;
  let more = true;
  while (more && lines.length <= CSV_MAX_ROWS) {
    const found: ShardPage<Message> = await listAccountMessages(c.env, account, filters, CSV_PAGE, cursor);
    for (const message of found.items) if (message.direction === "outbound") lines.push(usageCsvLine(message));
    // Past the hot window a page may stop short of CSV_PAGE, even empty: the next one starts where it stopped.
    const next: string | null = pageEdges(found, cursor).next;
    more = next !== null;
    cursor = next === null ? null : { id: next, dir: "next" };
  }
  if (more) lines.push(`# cut at ${CSV_MAX_ROWS} messages: ask for a shorter period`);
  return c.body(`${lines.join("\r\n")}\r\n`, 200, {
    "Content-Type": "text/csv; charset=utf-8",
    "Content-Disposition": `attachment; filename="omniflow-messages-${start}-${end}.csv"`,
  });
}
