// An email's attachments as its hand-off sends them: read from R2 by the
// descriptions its rendered content holds, base64 for the provider's JSON.
import { encodeBase64, mediaKey } from "../domain/media.ts";
import type { RenderedContent } from "../domain/rendered.ts";
import type { AttachedFile } from "../providers/provider.ts";

/** The files, or null when one is no longer in R2 (its message was redacted meanwhile): nothing can be sent as created. */
export async function loadAttachments(env: Env, accountId: string, rendered: RenderedContent): Promise<AttachedFile[] | null> {
  if (rendered.channel !== "email" || !rendered.attachments?.length) return [];
  const files = await Promise.all(
    rendered.attachments.map(async (ref) => {
      const object = await env.MEDIA.get(mediaKey(accountId, ref.sha256));
      if (!object) return null;
      const content = encodeBase64(new Uint8Array(await object.arrayBuffer()));
      return { filename: ref.filename, contentType: ref.content_type, content, ...(ref.content_id ? { contentId: ref.content_id } : {}) };
    }),
  );
  return files.every((file) => file !== null) ? files : null;
}
