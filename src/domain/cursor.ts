// Opaque pagination cursors: base64url of {"id": <boundary id>, "dir": "next"|"prev",
// "filters"?: {...}}. "next" pages continue in list order (for messages,
// towards older items), "prev" go back. A cursor remembers the list filters it
// was issued for (as normalized query values), so it continues the same list.
// A cursor that does not decode to exactly this shape, with an id of the
// listed resource's form, is a 400, never a 500.
import { z } from "zod";

// Room for a list's filters: up to five metadata keys of 500-character values (metadata.ts).
export const MAX_CURSOR_LENGTH = 4096;

const cursorSchema = (idPattern: RegExp) =>
  z.strictObject({
    id: z.string().regex(idPattern),
    dir: z.enum(["next", "prev"]),
    filters: z
      .record(z.string().max(64), z.string().max(500))
      .refine((filters) => Object.keys(filters).length <= 16)
      .optional(),
  });

export type Cursor = z.infer<ReturnType<typeof cursorSchema>>;
export type CursorFilters = Record<string, string>;

export function encodeCursor(cursor: Cursor): string {
  const filters = cursor.filters && Object.keys(cursor.filters).length > 0 ? cursor.filters : undefined;
  const bytes = new TextEncoder().encode(JSON.stringify({ id: cursor.id, dir: cursor.dir, filters }));
  return btoa(String.fromCharCode(...bytes))
    .replaceAll("+", "-")
    .replaceAll("/", "_")
    .replace(/=+$/, "");
}

export function decodeCursor(value: string, idPattern: RegExp): Cursor | null {
  if (value.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(value)) return null;
  try {
    const binary = atob(value.replaceAll("-", "+").replaceAll("_", "/"));
    const json = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(Uint8Array.from(binary, (char) => char.charCodeAt(0)));
    const parsed = cursorSchema(idPattern).safeParse(JSON.parse(json));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** Whether two sets of filters are the same, whatever their key order. */
export function sameFilters(a: CursorFilters, b: CursorFilters): boolean {
  const canonical = (filters: CursorFilters) => JSON.stringify(Object.entries(filters).sort(([x], [y]) => (x < y ? -1 : 1)));
  return canonical(a) === canonical(b);
}
