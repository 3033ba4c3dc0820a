// The signed URLs a provider fetches an MMS's images or a WhatsApp medium
// from, made at hand-off (so each attempt's links are fresh for an hour).

import { loadConfig } from "../config.ts";
import { database } from "../db/client.ts";
import { mediaRefsOf } from "../domain/media-content.ts";
import type { Message } from "../domain/message.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import { mediaPath } from "./media-links.ts";

/** The absolute URLs, in order ([] when there are no files); null when they cannot be made (no public origin, the account gone). */
export async function mediaUrls(env: Env, message: Message, rendered: RenderedContent, now: number): Promise<string[] | null> {
  // An email's files go inline (media-load.ts).
  const refs = rendered.channel === "email" ? [] : mediaRefsOf(rendered);
  if (refs.length === 0) return [];
  const origin = loadConfig(env).publicBaseUrl;
  if (!origin) return null;
  const controlDb = database(env.CONTROL_DB);
  const paths = await Promise.all(refs.map((ref) => mediaPath(env, controlDb, message.accountId, message.id, ref.id, now)));
  return paths.every((path) => path !== null) ? paths.map((path) => `${origin}${path}`) : null;
}
