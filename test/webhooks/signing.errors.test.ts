// The account's webhook signing secret, and rolling it without downtime.
import { afterEach, describe, expect, it, vi } from "vitest";
import { api } from "../support/api.ts";

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe("GET /v1/account", () => {
  it("needs a key", async () => {
    expect((await api("/v1/account", { key: null })).status).toBe(401);
  });
});
