// A verification's code: digits from the platform's CSPRNG, and the hash it is
// checked against, salted with the verification's id so that two
// verifications with the same code store different hashes (the verification's
// object compares hashes in constant time).
import { sha256Hex } from "./hash.ts";

/** `length` uniform decimal digits: bytes of 250 and up are drawn again, so no digit is likelier than another. */
export function generateCode(length: number, random: (bytes: Uint8Array) => Uint8Array = (bytes) => crypto.getRandomValues(bytes)): string {
  let code = "";
  while (code.length < length) {
    for (const byte of random(new Uint8Array(length))) {
      if (byte < 250 && code.length < length) code += String(byte % 10);
    }
  }
  return code;
}

export function codeHash(verificationId: string, code: string): Promise<string> {
  return sha256Hex(`${verificationId}:${code}`);
}
