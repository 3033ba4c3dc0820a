import type { Context } from "hono";
import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { accountAttachment, mediaByLink as fileByLink, mediaByToken as fileByToken, type StoredFile } from "../../services/media-reads.ts";
import type * as routes from "./media.routes.ts";

/** The file's bytes as stored, typed as its attachment says, never run by a browser as a page. */
function fileResponse(c: Pick<Context, "body">, file: StoredFile, disposition: "attachment" | "inline", extra: Record<string, string> = {}): Response {
  return c.body(file.body.body, 200, {
    "Content-Type": file.ref.contentType,
    "Content-Length": String(file.ref.size),
    "Content-Disposition": `${disposition}; filename*=UTF-8''${encodeURIComponent(file.ref.filename)}`,
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": "default-src 'none'; sandbox",
    ...extra,
  });
}

export const retrieveAttachment: AppRouteHandler<typeof routes.retrieveAttachment> = async (c) => {
  const { id, attachment_id } = c.req.valid("param");
  const found = await accountAttachment(c.env, c.get("account"), id, attachment_id);
  if (!found.ok) throw found.missing === "message" ? errors.notFound("message", id) : errors.notFound("attachment", attachment_id, "attachment_id");
  return fileResponse(c, found.file, "attachment");
};

export const mediaByToken: AppRouteHandler<typeof routes.mediaByToken> = async (c) => {
  const file = await fileByToken(c.env, c.var.control, c.req.valid("param").token);
  // One answer for every refusal: a caller learns nothing about which part of a token was wrong.
  if (!file) throw errors.invalidRequest("resource_missing", "No such media, or its link expired.", 404);
  return fileResponse(c, file, "inline", { "Cache-Control": "private, max-age=300" });
};

export const mediaByLink: AppRouteHandler<typeof routes.mediaByLink> = async (c) => {
  const file = await fileByLink(c.env, c.var.control, c.req.valid("param").token);
  if (!file) throw errors.invalidRequest("resource_missing", "No such file, or its link expired.", 404);
  // A person's browser opens it: shown inline, never cached by anything shared.
  return fileResponse(c, file, "inline", { "Cache-Control": "private, max-age=300" });
};
