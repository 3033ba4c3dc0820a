// Opaque pagination cursors: base64url of {"id": <boundary id>, "dir": "next"|"prev"}.
// "next" pages go towards older items, "prev" towards newer. A cursor that
// does not decode to exactly this shape is a 400, never a 500.
import { z } from "zod";

const cursorSchema = z.strictObject({
  id: z.string().regex(/^[a-z]+_[0-9a-f]{32}$/),
  dir: z.enum(["next", "prev"]),
});

export type Cursor = z.infer<typeof cursorSchema>;

export function encodeCursor(cursor: Cursor): string {
  const bytes = new TextEncoder().encode(JSON.stringify({ id: cursor.id, dir: cursor.dir }));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

export function decodeCursor(value: string): Cursor | null {
  if (!/^[A-Za-z0-9_-]{1,512}$/.test(value)) return null;
  try {
    const json = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
    const parsed = cursorSchema.safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}
