// Baseline B: exactly one D1 insert and one Queue send per request, with no
// routing, auth, validation or serialization beyond what that needs. Ids are
// time-ordered like OmniFlow's UUIDv7 message ids, so inserts append to the
// index the same way.
interface Env {
  DB: D1Database;
  QUEUE: Queue<{ id: string }>;
}

export default {
  async fetch(request, env) {
    const id = `acc_${Date.now().toString(16).padStart(12, "0")}${crypto.randomUUID().replaceAll("-", "").slice(12)}`;
    await env.DB.prepare("INSERT INTO accepted (id, account_id, body, created_at) VALUES (?, ?, ?, ?)")
      .bind(id, "acct_bench", await request.text(), Math.floor(Date.now() / 1000))
      .run();
    await env.QUEUE.send({ id }, { contentType: "json" });
    return Response.json({ id }, { status: 201 });
  },
} satisfies ExportedHandler<Env>;
