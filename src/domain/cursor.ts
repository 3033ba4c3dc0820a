// Opaque pagination cursors: base64url of {"id": <boundary id>, "dir": "next"|"prev"}.
// "next" pages continue in list order (for messages, towards older items),
// "prev" go back. A cursor that does not decode to exactly this shape, with an
// id of the listed resource's form, is a 400, never a 500.
import { z } from "zod";

const cursorSchema = (idPattern: RegExp) =>
  z.strictObject({
    id: z.string().regex(idPattern),
    dir: z.enum(["next", "prev"]),
  });

export type Cursor = z.infer<ReturnType<typeof cursorSchema>>;

export function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ id: cursor.id, dir: cursor.dir }));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor(value: string, idPattern: RegExp): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(value)) return null;
  try {
    const json = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
    const parsed = cursorSchema(idPattern).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
