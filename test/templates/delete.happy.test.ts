import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);

describe("templates CRUD", () => {
  it("deletes a template; it is then gone, and its id can be used again", async () => {
    const account = await createAccount();
    await createTemplate(account);
    const res = await api("/v1/templates/auth_otp", { key: account.key, method: "DELETE" });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: "auth_otp", object: "template", deleted: true });
    expect((await api("/v1/templates/auth_otp", { key: account.key })).status).toBe(404);
    await createTemplate(account);
  });
});
