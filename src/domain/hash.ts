const BYTE_HEX = Array.from({ length: 256 }, (_, byte) => byte.toString(16).padStart(2, "0"));

/** Lower-case hex of the bytes (by table: every request hashes its API key). */
export function hex(bytes: Uint8Array): string {
  let text = "";
  for (const byte of bytes) text += BYTE_HEX[byte];
  return text;
}

/** SHA-256 of the UTF-8 text, in hex. */
export async function sha256Hex(text: string): Promise<string> {
  return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text))));
}
