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

const encoder = new TextEncoder();

/**
 * The AES-GCM key that seals one verification's code: HKDF-SHA256 of the
 * deployment's secret, with the verification's id as its info, so a key
 * opens the code of its own verification only.
 */
async function sealingKey(secret: string, verificationId: string): Promise<CryptoKey> {
  const material = await crypto.subtle.importKey("raw", encoder.encode(secret), "HKDF", false, ["deriveKey"]);
  const params = { name: "HKDF", hash: "SHA-256", salt: new Uint8Array(0), info: encoder.encode(`omniflow verification code ${verificationId}`) };
  return crypto.subtle.deriveKey(params, material, { name: "AES-GCM", length: 256 }, false, ["encrypt", "decrypt"]);
}

/** The code sealed for storage: base64 of a random 12-byte IV and the AES-GCM ciphertext (the id is the additional data too). */
export async function sealCode(secret: string, verificationId: string, code: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const params = { name: "AES-GCM", iv, additionalData: encoder.encode(verificationId) };
  const sealed = new Uint8Array(await crypto.subtle.encrypt(params, await sealingKey(secret, verificationId), encoder.encode(code)));
  const bytes = new Uint8Array(iv.byteLength + sealed.byteLength);
  bytes.set(iv);
  bytes.set(sealed, iv.byteLength);
  return btoa(String.fromCharCode(...bytes));
}

/** The code a `sealCode` sealed; throws when the secret or the id is not the one it was sealed with. */
export async function openCode(secret: string, verificationId: string, sealed: string): Promise<string> {
  const bytes = Uint8Array.from(atob(sealed), (char) => char.charCodeAt(0));
  const params = { name: "AES-GCM", iv: bytes.subarray(0, 12), additionalData: encoder.encode(verificationId) };
  return new TextDecoder().decode(await crypto.subtle.decrypt(params, await sealingKey(secret, verificationId), bytes.subarray(12)));
}
