// A WhatsApp template whose approved header is an image, video or document:
// the template says so (whatsapp.header.format), each create gives that file
// as content.media, stored in R2 like any medium, and the hand-off sends it as
// the header's parameter by link, in the shape of Meta's Cloud API reference
// ("Send media-based message template": components [{ type: "header",
// parameters: [{ type: "image", image: { link } }] }, { type: "body", ... }]).
import { afterEach, describe, expect, it } from "vitest";
import { base64, pdfBytes, pngBytes, sentBody, sha256, storedObjects } from "../messages/attachments.fixture.ts";
import { createAccount, type TestAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { fakeProviders } from "../support/fake-http.ts";
import { runConsumer } from "../support/queue.ts";
import { bindSender, createTemplate } from "../support/resources.ts";
import { waitForStatus } from "../support/wait.ts";

let fake: ReturnType<typeof fakeProviders> | undefined;
afterEach(() => {
  fake?.restore();
  fake = undefined;
});

const ticketTemplate = (format: string) => ({
  id: "ticket",
  whatsapp: { name: "ticket_ready", language: "en_US", body_params: ["name"], header: { format } },
});

function sendTicket(account: TestAccount, media: Record<string, unknown>) {
  return api("/v1/messages", {
    key: account.key,
    json: { channel: "WHATSAPP", to: "+919876543210", content: { template_id: "ticket", variables: { name: "Ada" }, media: [media] } },
  });
}

interface Sent {
  type: string;
  template: { name: string; language: { code: string }; components: { type: string; parameters: Record<string, unknown>[] }[] };
}

/** What Meta got for the message, and the bytes its header's link serves (called as Meta would: no key). */
async function handedToMeta(id: string): Promise<{ body: Sent; served: Uint8Array; link: URL }> {
  await runConsumer([id]);
  const body = JSON.parse(sentBody(fake!, "graph.fake")) as Sent;
  const header = body.template.components.find((component) => component.type === "header")!;
  const parameter = header.parameters[0]!;
  const link = new URL((parameter[parameter.type as string] as { link: string }).link);
  const res = await api(link.pathname, { key: null });
  expect(res.status).toBe(200);
  return { body, served: new Uint8Array(await res.arrayBuffer()), link };
}

describe("a WhatsApp template with an image header", () => {
  it("is saved with its header's format (as Meta writes it, upper-case, or not) and shown with it", async () => {
    const account = await createAccount();
    const created = await createTemplate(account, ticketTemplate("IMAGE"));
    expect(created.whatsapp).toEqual({ name: "ticket_ready", language: "en_US", body_params: ["name"], header: { format: "image" } });
    const shown = await (await api("/v1/templates/ticket", { key: account.key })).json<{ whatsapp: unknown }>();
    expect(shown.whatsapp).toEqual(created.whatsapp);
  });

  it("sends the create's image as the header parameter by a link that serves it, before the body parameters", async () => {
    fake = fakeProviders();
    const account = await createAccount("live");
    await bindSender(account, "whatsapp");
    await createTemplate(account, ticketTemplate("image"));
    const png = pngBytes();
    const res = await sendTicket(account, { type: "image", content_type: "image/png", content: base64(png) });
    expect(res.status, await res.clone().text()).toBe(201);
    const created = await res.json<{ id: string; content: { template_id: string; media: { content_type: string; sha256: string; size: number }[] } }>();
    // The object shows the file's description, never its bytes.
    expect(created.content.media).toEqual([expect.objectContaining({ content_type: "image/png", size: png.byteLength, sha256: await sha256(png) })]);
    const { body, served, link } = await handedToMeta(created.id);
    expect(body.type).toBe("template");
    expect(body.template.name).toBe("ticket_ready");
    expect(body.template.components).toEqual([
      { type: "header", parameters: [{ type: "image", image: { link: link.href } }] },
      { type: "body", parameters: [{ type: "text", text: "Ada" }] },
    ]);
    expect(link.origin).toBe("https://api.omniflow.test");
    expect(served).toEqual(png);
    expect(await storedObjects(account.id)).toEqual([`${account.id}/${await sha256(png)}`]);
  });
});

describe("a WhatsApp template with a document header", () => {
  it("sends the document by link, with the filename the create gave it", async () => {
    fake = fakeProviders();
    const account = await createAccount("live");
    await bindSender(account, "whatsapp");
    await createTemplate(account, ticketTemplate("document"));
    const pdf = pdfBytes();
    const res = await sendTicket(account, { type: "document", content_type: "application/pdf", content: base64(pdf), filename: "ticket.pdf" });
    expect(res.status, await res.clone().text()).toBe(201);
    const { id } = await res.json<{ id: string }>();
    const { body, served, link } = await handedToMeta(id);
    expect(body.template.components[0]).toEqual({ type: "header", parameters: [{ type: "document", document: { link: link.href, filename: "ticket.pdf" } }] });
    expect(served).toEqual(pdf);
  });

  it("test keys store it and the sandbox delivers it", async () => {
    const account = await createAccount("test");
    await createTemplate(account, ticketTemplate("document"));
    const pdf = pdfBytes();
    const res = await sendTicket(account, { type: "document", content_type: "application/pdf", content: base64(pdf) });
    expect(res.status).toBe(201);
    const { id } = await res.json<{ id: string }>();
    await waitForStatus(account, id, ["delivered", "read"]);
    expect(await storedObjects(account.id)).toEqual([`${account.id}/${await sha256(pdf)}`]);
  });
});
