import { describe, expect, it } from "vitest";
import { openPrismaStore } from "../../../strategy/store/index.js";

describe("openPrismaStore options", () => {
  it("names a misspelt or misplaced option at any depth before touching a database", async () => {
    const url = "file:/nonexistent-dir-never-created/x.db";
    await expect(openPrismaStore({ url, keycache: {} } as never)).rejects.toThrow(/^openPrismaStore: unknown option "keycache"$/);
    await expect(openPrismaStore({ url, keyCache: { enable: false } } as never)).rejects.toThrow(/unknown option "keyCache.enable"/);
    await expect(openPrismaStore({ url, timeouts: { busyMs: 5 } } as never)).rejects.toThrow(/unknown option "timeouts.busyMs"/);
    await expect(openPrismaStore({ url, changePollMs: NaN })).rejects.toThrow(/option "changePollMs"/);
    await expect(openPrismaStore({ url, now: 5 } as never)).rejects.toThrow(TypeError);
  });
});
