// A sealed code opens only with the secret and the verification id it was
// sealed with (the id is both the key's HKDF info and the AES-GCM additional
// data), and a seal never holds the digits.
import { describe, expect, it } from "vitest";
import { openCode, sealCode } from "../../src/domain/verification-code.ts";

const SECRET = "a-deployment-secret-of-32-characters-or-more";
const ID = "vrf_0192d6f1e2a47c3b8e5f6a7b8c9d0000";

describe("a sealed code", () => {
  it("opens to the same code, and two seals of one code differ (a random IV each)", async () => {
    const [first, second] = [await sealCode(SECRET, ID, "4815162342"), await sealCode(SECRET, ID, "4815162342")];
    expect(first).not.toContain("4815162342");
    expect(first).not.toBe(second);
    expect(await openCode(SECRET, ID, first)).toBe("4815162342");
  });

  it("does not open under another secret or for another verification, nor once altered", async () => {
    const sealed = await sealCode(SECRET, ID, "123456");
    await expect(openCode(`${SECRET}-rotated`, ID, sealed)).rejects.toThrow();
    await expect(openCode(SECRET, ID.replace("0000", "0001"), sealed)).rejects.toThrow();
    const bytes = Uint8Array.from(atob(sealed), (char) => char.charCodeAt(0));
    bytes[bytes.length - 1]! ^= 1;
    await expect(openCode(SECRET, ID, btoa(String.fromCharCode(...bytes)))).rejects.toThrow();
  });
});
