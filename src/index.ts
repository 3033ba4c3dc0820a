// The Worker: the HTTP API.
import { createApp } from "./app.ts";
import { messagesRouter } from "./routes/messages/index.ts";
import { sendersRouter } from "./routes/senders/index.ts";
import { templatesRouter } from "./routes/templates/index.ts";

const app = createApp([messagesRouter, templatesRouter, sendersRouter]);

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Env>;
