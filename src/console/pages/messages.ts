// Messages: the filters and cursors of GET /v1/messages, newest first, with
// statuses (and, on the first page, new messages) updated while the page is
// open; and going to a message by its id.
import type { Context } from "hono";
import { html } from "hono/html";
import type { MessageFilters } from "../../db/messages.ts";
import { CHANNELS, type Channel } from "../../domain/address.ts";
import { type Cursor, decodeCursor, encodeCursor } from "../../domain/cursor.ts";
import { idPattern } from "../../domain/ids.ts";
import type { Message } from "../../domain/message.ts";
import { pageEdges } from "../../domain/page-merge.ts";
import { formatAmount } from "../../domain/price.ts";
import { STATUSES, type Status } from "../../domain/status.ts";
import { accountStatuses } from "../../services/console-figures.ts";
import { listAccountMessages } from "../../services/message-reads.ts";
import type { ConsoleEnv } from "../context.ts";
import { notice, page, statusBadge, time } from "../layout.ts";

const MESSAGE_ID = idPattern("msg");
const PAGE_SIZE = 25;
const DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The filters of the query string (`prefix` + name); an unknown value is dropped rather than refused: this is a page, not the API. */
function filtersOf(query: Record<string, string>, prefix = ""): { filters: MessageFilters; form: Record<string, string> } {
  const get = (name: string) => query[prefix + name]?.trim() ?? "";
  const status = STATUSES.find((s) => s === get("status"));
  const channel = CHANNELS.find((ch) => ch === get("channel"));
  const to = get("to");
  const from = DATE.test(get("from")) ? get("from") : "";
  const until = DATE.test(get("until")) ? get("until") : "";
  const batch = /^bat_[0-9a-f]{32}$/.test(get("batch")) ? get("batch") : "";
  const metaKey = /^[A-Za-z0-9_-]{1,40}$/.test(get("meta_key")) ? get("meta_key") : "";
  const metaValue = metaKey ? get("meta_value").slice(0, 500) : "";
  const filters: MessageFilters = {
    batchId: batch || undefined,
    metadata: metaKey && metaValue ? { [metaKey]: metaValue } : undefined,
    status: status as Status | undefined,
    channel: channel as Channel | undefined,
    to: to || undefined,
    createdGte: from ? Date.parse(`${from}T00:00:00Z`) / 1000 : undefined,
    createdLte: until ? Date.parse(`${until}T23:59:59Z`) / 1000 : undefined,
  };
  const form = Object.fromEntries(
    Object.entries({ status: status ?? "", channel: channel ?? "", to, from, until, batch, meta_key: metaKey, meta_value: metaValue }).filter(
      ([, value]) => value !== "",
    ),
  );
  return { filters, form };
}

const messageRow = (m: Message) =>
  html`<tr><td><a class="mono" href="/console/messages/${m.id}">${m.id}</a></td><td>${m.channel}</td><td>${m.to}</td><td>${statusBadge(m.id, m.status)}</td><td class="mono">${m.price === null ? "—" : `${formatAmount(m.price)} ${m.priceUnit ?? ""}`}</td><td class="optional">${time(m.createdAt)}</td></tr>`;

const select = (name: string, label: string, options: readonly string[], chosen: string | undefined) =>
  html`<div><label for="f-${name}">${label}</label><select id="f-${name}" name="${name}"><option value="">any</option>${options.map(
    (option) => html`<option ${option === chosen ? "selected" : ""}>${option}</option>`,
  )}</select></div>`;

/** What an empty page says: past the hot window a filtered page may hold none of the matches that older pages do. */
const emptyNote = (more: boolean, filtered: boolean) =>
  more ? "None on this page: this part of the archive holds no match. Older pages may." : `No messages${filtered ? " match these filters" : " yet"}.`;

export async function messagesPage(c: Context<ConsoleEnv>) {
  const query = c.req.query();
  const { filters, form } = filtersOf(query);
  const cursor: Cursor | null = query.cursor ? decodeCursor(query.cursor, MESSAGE_ID) : null;
  const result = await listAccountMessages(c.env, c.get("account"), filters, PAGE_SIZE, cursor);
  const first = result.items[0];
  const link = (target: Cursor) => `/console/messages?${new URLSearchParams({ ...form, cursor: encodeCursor(target) })}`;
  // As the API's cursors: a filtered page past the hot window may stop short, even empty, and "Older" goes on from there.
  const edges = pageEdges(result, cursor);
  const newer = edges.prev === null ? null : link({ id: edges.prev, dir: "prev" });
  const older = edges.next === null ? null : link({ id: edges.next, dir: "next" });
  // Only the first page takes new messages in at the top; "" when the list is empty: the first one to come.
  const live = cursor === null ? (first?.id ?? "msg_") : null;
  return page(
    c,
    "Messages",
    html`<h1>Messages</h1>
${notice(query.missing ? `No message ${query.missing} in this account.` : null, "error")}
<form class="card row" method="get" action="/console/find" role="search">
  <div><label for="go-id">Go to a message by id</label><input id="go-id" name="id" placeholder="msg_..." size="38" required class="mono"></div>
  <button type="submit" class="secondary">Open</button>
</form>
<form class="card row" method="get" action="/console/messages" aria-label="Filters">
  ${select("status", "Status", STATUSES, filters.status)}
  ${select("channel", "Channel", CHANNELS, filters.channel)}
  <div><label for="f-to">To</label><input id="f-to" name="to" value="${form.to ?? ""}" placeholder="+14155550123"></div>
  <div><label for="f-from">Created from (UTC)</label><input id="f-from" name="from" type="date" value="${form.from ?? ""}"></div>
  <div><label for="f-until">until</label><input id="f-until" name="until" type="date" value="${form.until ?? ""}"></div>
  <div><label for="f-batch">Batch</label><input id="f-batch" name="batch" value="${form.batch ?? ""}" placeholder="bat_..." class="mono"></div>
  <div><label for="f-meta-key">Metadata key</label><input id="f-meta-key" name="meta_key" value="${form.meta_key ?? ""}" placeholder="order_id"></div>
  <div><label for="f-meta-value">value</label><input id="f-meta-value" name="meta_value" value="${form.meta_value ?? ""}"></div>
  <button type="submit">Filter</button> <a href="/console/messages">Clear</a>
</form>
<div class="card">
<table>
<thead><tr><th scope="col">Id</th><th scope="col">Channel</th><th scope="col">To</th><th scope="col">Status</th><th scope="col">Price</th><th scope="col" class="optional">Created</th></tr></thead>
<tbody ${live === null ? "" : html`data-live-list="${live}"`}>${result.items.map(messageRow)}</tbody>
</table>
${result.items.length === 0 ? html`<p class="muted">${emptyNote(result.hasMore, Object.keys(form).length > 0)}</p>` : ""}
<nav class="pager" aria-label="Pages">${newer ? html`<a href="${newer}">← Newer</a>` : ""}${older ? html`<a href="${older}">Older →</a>` : ""}</nav>
</div>`,
  );
}

/** For the page's script: the current statuses of `ids`, and the rows of messages newer than `after` that match the filters. */
export async function liveMessages(c: Context<ConsoleEnv>) {
  const query = c.req.query();
  const account = c.get("account");
  const ids = (query.ids ?? "")
    .split(",")
    .filter((id) => MESSAGE_ID.test(id))
    .slice(0, 100);
  const statuses = await accountStatuses(c.env, account, ids);
  const after = query.after === "msg_" ? "msg_0" : query.after;
  if (!after || !/^msg_[0-9a-f]{0,32}$/.test(after)) return c.json({ statuses, rows: "", newest: null });
  const { filters } = filtersOf(query, "filter_");
  const newer = await listAccountMessages(c.env, account, filters, 50, { id: after, dir: "prev" });
  const rows = (await Promise.all(newer.items.map(messageRow))).join("");
  return c.json({ statuses, rows, newest: newer.items[0]?.id ?? after });
}
