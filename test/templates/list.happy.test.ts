import { describe, expect, it } from "vitest";
import { createAccount } from "../support/accounts.ts";
import { api, listAll } from "../support/api.ts";
import { otp, templateCreator } from "./templates.fixture.ts";

const createTemplate = templateCreator(otp);

describe("GET /v1/templates", () => {
  it("lists an account's templates in order of id, with the messages' envelope and cursors both ways", async () => {
    const account = await createAccount();
    const ids = ["a_first", "b_second", "c_third", "d_fourth", "e_fifth"];
    for (const id of [...ids].reverse()) await createTemplate(account, { id, sms: { text: id } });

    const first = await (await api("/v1/templates?limit=2", { key: account.key })).json<Record<string, unknown>>();
    expect(first).toMatchObject({ object: "list", prev_cursor: null, has_more: true });
    expect((first.data as { id: string }[]).map((t) => t.id)).toEqual(["a_first", "b_second"]);

    const second = await (await api(`/v1/templates?limit=2&cursor=${first.next_cursor}`, { key: account.key })).json<Record<string, unknown>>();
    expect((second.data as { id: string }[]).map((t) => t.id)).toEqual(["c_third", "d_fourth"]);
    expect(second.prev_cursor).toEqual(expect.any(String));

    const back = await (await api(`/v1/templates?limit=2&cursor=${second.prev_cursor}`, { key: account.key })).json<Record<string, unknown>>();
    expect((back.data as { id: string }[]).map((t) => t.id)).toEqual(["a_first", "b_second"]);
    expect(back).toMatchObject({ prev_cursor: null, has_more: false });

    const last = await (await api(`/v1/templates?limit=2&cursor=${second.next_cursor}`, { key: account.key })).json<Record<string, unknown>>();
    expect(last).toMatchObject({ next_cursor: null, has_more: false });
    expect((last.data as { id: string }[]).map((t) => t.id)).toEqual(["e_fifth"]);

    expect((await listAll<{ id: string }>("/v1/templates", account.key, 3)).map((t) => t.id)).toEqual(ids);
  });

  it("lists only the caller's templates, 20 by default", async () => {
    const account = await createAccount();
    const other = await createAccount();
    await createTemplate(other);
    const empty = await (await api("/v1/templates", { key: account.key })).json();
    expect(empty).toEqual({ object: "list", data: [], next_cursor: null, prev_cursor: null, has_more: false });
    for (let i = 0; i < 21; i++) await createTemplate(account, { id: `t_${String(i).padStart(2, "0")}`, sms: { text: "hi" } });
    const page = await (await api("/v1/templates", { key: account.key })).json<{ data: unknown[]; has_more: boolean }>();
    expect(page.data).toHaveLength(20);
    expect(page.has_more).toBe(true);
  });
});
