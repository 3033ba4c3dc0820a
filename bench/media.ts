// The attachments row (`npm run bench -- --media` runs only this): one 1 MB
// PDF sent by email to 100 recipients, one create each, on the counting
// build: how many objects R2 is asked to store (the file is stored once per
// account and content, docs/attachments.md), the bytes uploaded, and the
// create's latency with a 1 MB file in its body.
import { type Api, createMessage, inParallel } from "./pipeline.ts";

const RECIPIENTS = 100;
const FILE_BYTES = 1_000_000;
/** Creates in flight at once, as a sender looping over its list would. */
const CONNECTIONS = 4;

/** A well-formed PDF of exactly FILE_BYTES: a header, a comment padding it out, a trailer. */
function onePdf(): string {
  const head = "%PDF-1.4\n% ";
  const tail = "\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";
  // The padding is unique per run, so no object left by another run can stand in for this one's.
  const marker = `${crypto.randomUUID()} `;
  const pdf = head + marker + "x".repeat(FILE_BYTES - head.length - marker.length - tail.length) + tail;
  return Buffer.from(pdf, "latin1").toString("base64");
}

type Tally = Record<string, number>;

async function r2Operations(api: Api): Promise<Tally> {
  return ((await (await fetch(`${api.url}/__bench/counters`)).json()) as { r2Operations: Tally }).r2Operations;
}

export interface MediaResults {
  recipients: number;
  fileBytes: number;
  /** R2 calls during the creates, by method, and the bytes the puts uploaded. */
  r2: Tally;
  createP50Ms: number;
  createP99Ms: number;
  seconds: number;
}

export async function mediaRow(api: Api): Promise<MediaResults> {
  const content = onePdf();
  const before = await r2Operations(api);
  const started = Date.now();
  const latencies = await inParallel(
    Array.from({ length: RECIPIENTS }, (_, i) => i),
    CONNECTIONS,
    async (i) => {
      const sent = Date.now();
      await createMessage(api, {
        channel: "EMAIL",
        to: `customer-${i}@example.com`,
        from: "billing@acme.example",
        content: { subject: "Your invoice", text: "Attached.", attachments: [{ filename: "invoice.pdf", content_type: "application/pdf", content }] },
      });
      return Date.now() - sent;
    },
  );
  const seconds = (Date.now() - started) / 1000;
  const after = await r2Operations(api);
  const r2 = Object.fromEntries(Object.keys(after).map((key) => [key, (after[key] ?? 0) - (before[key] ?? 0)]));
  const sorted = latencies.sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))]!;
  return { recipients: RECIPIENTS, fileBytes: FILE_BYTES, r2, createP50Ms: at(0.5), createP99Ms: at(0.99), seconds };
}

/** The row as a markdown table. */
export function mediaSummary(r: MediaResults): string {
  const n = (key: string) => r.r2[`MEDIA ${key}`] ?? 0;
  return [
    "| row | figure |",
    "| --- | --- |",
    `| a ${(r.fileBytes / 1_000_000).toFixed(0)} MB PDF to ${r.recipients} recipients | ${n("put")} R2 put(s) (${n("put bytes").toLocaleString("en")} bytes uploaded), ${n("head")} R2 heads, create p50 ${r.createP50Ms} ms, p99 ${r.createP99Ms} ms, ${r.seconds.toFixed(1)} s for all ${r.recipients} |`,
  ].join("\n");
}
