// The SDK's messages.attachment: a file's bytes as the create sent them, with
// its content type and file name; an unknown attachment an OmniFlowError.
import { describe, expect, it } from "vitest";
import { OmniFlowError } from "../../sdk/src/index.ts";
import { createAccount } from "../support/accounts.ts";
import { clientFor } from "./sdk.fixture.ts";

// A PDF header and trailer, built here (the file sniffing checks the header), its name with a non-ASCII letter.
const PDF = new TextEncoder().encode(`%PDF-1.4\n% ${crypto.randomUUID()}\ntrailer << >>\n%%EOF\n`);

describe("messages.attachment", () => {
  it("returns an attachment's bytes, content type and file name; an unknown one throws a 404 OmniFlowError", async () => {
    const account = await createAccount("test");
    const omniflow = clientFor(account.key);
    const created = await omniflow.messages.create({
      channel: "EMAIL",
      to: "ada@example.com",
      from: "billing@acme.example",
      content: {
        subject: "Your invoice",
        text: "Attached.",
        attachments: [{ filename: "Rechnung-März.pdf", content_type: "application/pdf", content: btoa(String.fromCharCode(...PDF)) }],
      },
    });
    // The generated Message type shows content's files as their descriptions: no cast.
    const shown = created.content && "attachments" in created.content ? created.content.attachments?.[0] : undefined;
    expect(shown).toMatchObject({ filename: "Rechnung-März.pdf", content_type: "application/pdf", size: PDF.byteLength });
    const file = await omniflow.messages.attachment(created.id, shown!.id);
    expect(file).toEqual({ bytes: PDF, contentType: "application/pdf", filename: "Rechnung-März.pdf" });

    const missing = await omniflow.messages.attachment(created.id, "att_000000000000000000000000").catch((error: unknown) => error);
    expect(missing).toBeInstanceOf(OmniFlowError);
    expect((missing as OmniFlowError).status).toBe(404);
  });
});
