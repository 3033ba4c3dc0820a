// The Worker: the HTTP API.
import { createApp } from "./app.ts";
import { messagesRouter } from "./routes/messages/index.ts";

const app = createApp([messagesRouter]);

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
