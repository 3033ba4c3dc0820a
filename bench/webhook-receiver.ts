// The bench's status_callback receiver on loopback: acknowledges every event
// at once and notes when each (message, event type) arrived.
import { createServer } from "node:http";

export interface WebhookReceiver {
  url: string;
  /** Arrival time (ms) of `type` for the message, if it came. */
  arrivedAt(messageId: string, type: string): number | undefined;
  /** How many events arrived in all. */
  count(): number;
  /** Resolves true once every message has had `type`, false at the deadline. */
  waitFor(messageIds: string[], type: string, timeoutMs: number): Promise<boolean>;
  close(): Promise<void>;
}

export async function startWebhookReceiver(port: number): Promise<WebhookReceiver> {
  const arrivals = new Map<string, number>();
  let total = 0;
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const at = Date.now();
      total += 1;
      try {
        const event = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { type: string; data: { id: string } };
        arrivals.set(`${event.data.id} ${event.type}`, at);
      } catch {
        // Counted; nothing else to note.
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve));

  const arrivedAt = (messageId: string, type: string) => arrivals.get(`${messageId} ${type}`);
  return {
    url: `http://127.0.0.1:${port}/omniflow-events`,
    arrivedAt,
    count: () => total,
    async waitFor(messageIds, type, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (Date.now() < deadline) {
        if (messageIds.every((id) => arrivedAt(id, type) !== undefined)) return true;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      return false;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
