// Overview: per channel, the last 24 hours and 7 days (sent, delivered,
// failed, median time to delivered) as server-drawn bar charts, and the
// recent failures with their error codes.
import type { Context } from "hono";
import { html } from "hono/html";
import { unixSeconds } from "../../domain/ids.ts";
import { accountRecentFailures, type ChannelFigures, channelFigures } from "../../services/console-figures.ts";
import type { ConsoleEnv } from "../context.ts";
import { page, time } from "../layout.ts";

const SERIES = [
  ["sent", "#2952cc"],
  ["delivered", "#1a7f37"],
  ["failed", "#c0362c"],
] as const;

function duration(seconds: number | null): string {
  if (seconds === null) return "—";
  return seconds < 120 ? `${seconds} s` : `${Math.round(seconds / 60)} min`;
}

/** Grouped bars: one group per channel, one bar per series; the numbers are written out too (and in the table below). */
function chart(title: string, figures: ChannelFigures[]) {
  const width = 320;
  const height = 160;
  const max = Math.max(1, ...figures.flatMap((f) => [f.sent, f.delivered, f.failed]));
  const groupWidth = width / figures.length;
  const barWidth = (groupWidth - 24) / SERIES.length;
  const bars = figures.flatMap((figure, group) =>
    SERIES.map(([series, color], index) => {
      const value = figure[series];
      const barHeight = Math.round((value / max) * (height - 40));
      const x = group * groupWidth + 12 + index * barWidth;
      const y = height - 20 - barHeight;
      return html`<rect x="${x}" y="${y}" width="${barWidth - 2}" height="${barHeight}" fill="${color}"><title>${figure.channel} ${series}: ${value}</title></rect>
<text x="${x + (barWidth - 2) / 2}" y="${y - 3}" text-anchor="middle">${value}</text>`;
    }),
  );
  const labels = figures.map(
    (figure, group) => html`<text x="${group * groupWidth + groupWidth / 2}" y="${height - 4}" text-anchor="middle">${figure.channel.toUpperCase()}</text>`,
  );
  return html`<svg viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${title}: sent, delivered and failed per channel">${bars}${labels}</svg>`;
}

function window(title: string, figures: ChannelFigures[]) {
  return html`<section class="card" aria-labelledby="${title.replaceAll(" ", "-")}">
<h2 id="${title.replaceAll(" ", "-")}">${title}</h2>
${chart(title, figures)}
<p class="muted">${SERIES.map(([series, color]) => html`<svg width="10" height="10" aria-hidden="true"><rect width="10" height="10" fill="${color}"></rect></svg> ${series} `)}</p>
<table>
<thead><tr><th scope="col">Channel</th><th scope="col">Sent</th><th scope="col">Delivered</th><th scope="col">Failed</th><th scope="col">Median to delivered</th></tr></thead>
<tbody>${figures.map(
    (f) =>
      html`<tr><th scope="row">${f.channel}</th><td>${f.sent}</td><td>${f.delivered}</td><td>${f.failed}</td><td>${duration(f.medianSecondsToDelivered)}</td></tr>`,
  )}</tbody>
</table>
</section>`;
}

export async function overviewPage(c: Context<ConsoleEnv>) {
  const account = c.get("account");
  const now = unixSeconds();
  const [day, week, failures] = await Promise.all([
    channelFigures(c.env, account, now - 24 * 3600),
    channelFigures(c.env, account, now - 7 * 24 * 3600),
    accountRecentFailures(c.env, account, 10),
  ]);
  return page(
    c,
    "Overview",
    html`<h1>Overview</h1>
<div class="grid">${window("Last 24 hours", day)}${window("Last 7 days", week)}</div>
<section class="card"><h2>Recent failures</h2>
${
  failures.length === 0
    ? html`<p class="muted">No failed or undelivered messages.</p>`
    : html`<table><thead><tr><th scope="col">Message</th><th scope="col">Channel</th><th scope="col">Error code</th><th scope="col" class="optional">Error</th><th scope="col" class="optional">Created</th></tr></thead><tbody>
${failures.map(
  (m) =>
    html`<tr><td><a class="mono" href="/console/messages/${m.id}">${m.id}</a></td><td>${m.channel}</td><td><code>${m.errorCode ?? "—"}</code></td><td class="optional">${m.errorMessage ?? ""}</td><td class="optional">${time(m.createdAt)}</td></tr>`,
)}</tbody></table>`
}
</section>`,
  );
}
