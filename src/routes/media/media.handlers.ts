import { errors } from "../../http/errors.ts";
import type { AppRouteHandler } from "../../http/router.ts";
import { accountAttachment, mediaByToken as fileByToken, type StoredFile } from "../../services/media-reads.ts";
import type * as routes from "./media.routes.ts";

/** The file's bytes as stored, typed as its attachment says, never rendered by a browser as a page. */
function fileResponse(file: StoredFile, disposition: "attachment" | "inline"): Response {
  const name = encodeURIComponent(file.ref.filename);
  return new Response(file.body.body, {
    headers: {
      "Content-Type": file.ref.contentType,
      "Content-Length": String(file.ref.size),
      "Content-Disposition": `${disposition}; filename*=UTF-8''${name}`,
      "X-Content-Type-Options": "nosniff",
      "Content-Security-Policy": "default-src 'none'; sandbox",
    },
  });
}

export const retrieveAttachment: AppRouteHandler<typeof routes.retrieveAttachment> = async (c) => {
  const { id, attachment_id } = c.req.valid("param");
  const file = await accountAttachment(c.env, c.get("account"), id, attachment_id);
  if (!file) throw errors.notFound("attachment", attachment_id, "attachment_id");
  return fileResponse(file, "attachment");
};

export const mediaByToken: AppRouteHandler<typeof routes.mediaByToken> = async (c) => {
  const file = await fileByToken(c.env, c.var.control, c.req.valid("param").token);
  // One answer for every refusal: a caller learns nothing about which part of a token was wrong.
  if (!file) throw errors.invalidRequest("resource_missing", "No such media, or its link expired.", 404);
  const response = fileResponse(file, "inline");
  response.headers.set("Cache-Control", "private, max-age=300");
  return response;
};
