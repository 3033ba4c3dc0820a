import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api } from "../support/api.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);

describe("templates CRUD", () => {
  it("retrieves a template by its id", async () => {
    const account = await createAccount();
    const created = await createTemplate(account);
    const res = await api("/v1/templates/auth_otp", { key: account.key });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual(created);
  });
});
