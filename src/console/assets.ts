// The Console's own stylesheet and script, served by the Worker (no CDN, no
// build step). The script only enhances: every page works without it, except
// live status updates and the copy button.

export const CONSOLE_CSS = `
:root { --fg:#1d2330; --muted:#5b6475; --line:#d9dde5; --bg:#f6f7f9; --card:#fff; --accent:#2952cc; --ok:#1a7f37; --bad:#c0362c; --warn:#9a6700; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color:var(--fg); background:var(--bg); }
a { color:var(--accent); }
a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, textarea:focus-visible, summary:focus-visible { outline:3px solid #7aa2ff; outline-offset:2px; }
header.top { background:#111827; color:#fff; padding:.5rem 1rem; display:flex; flex-wrap:wrap; gap:.5rem 1rem; align-items:center; }
header.top a { color:#fff; text-decoration:none; }
header.top .brand { font-weight:700; margin-right:auto; }
nav.main { display:flex; flex-wrap:wrap; gap:.25rem .75rem; }
nav.main a[aria-current="page"] { text-decoration:underline; text-underline-offset:4px; }
main { max-width:1100px; margin:0 auto; padding:1rem; }
h1 { font-size:1.4rem; margin:.5rem 0 1rem; }
h2 { font-size:1.1rem; margin:1.5rem 0 .5rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; margin-bottom:1rem; overflow-x:auto; }
table { border-collapse:collapse; width:100%; }
th, td { text-align:left; padding:.4rem .5rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { font-size:.85rem; color:var(--muted); font-weight:600; }
code, pre, .mono { font-family:ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.85rem; }
pre { white-space:pre-wrap; word-break:break-word; background:#f0f2f5; padding:.75rem; border-radius:6px; margin:0; }
form.inline { display:inline; }
.row { display:flex; flex-wrap:wrap; gap:.5rem; align-items:end; }
.row > div { min-width:0; max-width:100%; }
label { display:block; font-size:.85rem; color:var(--muted); }
input, select, textarea { font:inherit; padding:.35rem .5rem; border:1px solid #b8bfcc; border-radius:6px; background:#fff; max-width:100%; }
textarea { width:100%; min-height:4.5rem; }
button { font:inherit; padding:.35rem .8rem; border-radius:6px; border:1px solid var(--accent); background:var(--accent); color:#fff; cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); }
button.danger { background:var(--bad); border-color:var(--bad); }
.status { display:inline-block; padding:0 .45rem; border-radius:999px; font-size:.8rem; border:1px solid currentColor; }
.status-delivered, .status-read { color:var(--ok); }
.status-failed, .status-undelivered { color:var(--bad); }
.status-queued, .status-sent { color:var(--warn); }
.notice { padding:.75rem 1rem; border-radius:8px; border:1px solid var(--line); background:#eef3ff; margin-bottom:1rem; }
.notice.error { background:#fdecea; border-color:#f3b5ae; }
.muted { color:var(--muted); }
.grid { display:grid; grid-template-columns:repeat(auto-fit, minmax(280px, 1fr)); gap:1rem; }
.pager { display:flex; gap:1rem; margin-top:.75rem; }
.secret { word-break:break-all; }
svg text { font:12px system-ui, sans-serif; fill:var(--fg); }
@media (max-width: 600px) { th.optional, td.optional { display:none; } main { padding:.5rem; } }
`;

export const CONSOLE_JS = `
(() => {
  for (const button of document.querySelectorAll("[data-copy]")) {
    button.addEventListener("click", async () => {
      const target = document.getElementById(button.dataset.copy);
      await navigator.clipboard.writeText(target.textContent.trim());
      button.textContent = "Copied";
    });
  }
  // Live statuses: rows of messages not yet final are polled until they are; on the
  // first page of the message list, new messages are added at the top as they come.
  const FINAL = new Set(["delivered", "read", "failed", "undelivered"]);
  const list = document.querySelector("tbody[data-live-list]");
  const pending = () => [...document.querySelectorAll("[data-message-status]")].filter((el) => !FINAL.has(el.dataset.messageStatus));
  async function poll() {
    const cells = pending();
    const ids = [...new Set(cells.map((el) => el.dataset.messageId))];
    const query = new URLSearchParams({ ids: ids.join(",") });
    if (list) query.set("after", list.dataset.liveList);
    if (list) for (const [name, value] of new URLSearchParams(location.search)) if (name !== "cursor") query.set("filter_" + name, value);
    try {
      const res = await fetch("/console/statuses?" + query, { headers: { Accept: "application/json" } });
      if (res.ok) {
        const live = await res.json();
        if (list && live.rows) {
          list.insertAdjacentHTML("afterbegin", live.rows);
          list.dataset.liveList = live.newest;
        }
        for (const el of cells) {
          const status = live.statuses[el.dataset.messageId];
          if (status && status !== el.dataset.messageStatus) {
            if (el.dataset.reloadOnChange !== undefined) return location.reload();
            el.dataset.messageStatus = status;
            el.textContent = status;
            el.className = "status status-" + status;
          }
        }
      }
    } catch {}
    if (list || pending().length > 0) setTimeout(poll, 1500);
  }
  if (list || pending().length > 0) setTimeout(poll, 1000);
})();
`;
