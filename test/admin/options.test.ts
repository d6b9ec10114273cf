import { describe, expect, it } from "vitest";
import { createAdminRouter } from "../../strategy/admin/router.js";
import { createDemoApp } from "../../strategy/server/demo-app.js";
import { createMemoryStore } from "../../strategy/store/index.js";
import { SshKeyStrategy } from "../../strategy/strategy.js";

// Construction only: a misspelt option must fail where it is written, not be ignored.
describe("createAdminRouter options", () => {
  const store = createMemoryStore();

  it("accepts the documented options", () => {
    expect(() =>
      createAdminRouter({ store, session: { idleMs: 60_000 }, rateLimit: { capacity: 5, perUsername: { capacity: 3 } }, uiDir: false }),
    ).not.toThrow();
  });

  it("names an unknown key at any depth", () => {
    expect(() => createAdminRouter({ store, sesion: {} } as never)).toThrow(new TypeError('createAdminRouter: unknown option "sesion"'));
    expect(() => createAdminRouter({ store, session: { idle: 5 } } as never)).toThrow(new TypeError('createAdminRouter: unknown option "session.idle"'));
    expect(() => createAdminRouter({ store, rateLimit: { perUsername: { capacty: 1 } } } as never)).toThrow('unknown option "rateLimit.perUsername.capacty"');
    expect(() => createAdminRouter({ store, jwt: { replayProtection: false } } as never)).toThrow('unknown option "jwt.replayProtection"');
  });

  it("names a bad value and a missing store", () => {
    expect(() => createAdminRouter({ store, linkTtlMs: Number.NaN })).toThrow(/^createAdminRouter: option "linkTtlMs": /);
    expect(() => createAdminRouter({} as never)).toThrow(/^createAdminRouter: option "store": /);
  });
});

describe("createDemoApp options", () => {
  it("names an unknown key, and hands nested ones to the router they configure", () => {
    const strategy = new SshKeyStrategy({ store: createMemoryStore() });
    expect(() => createDemoApp({ strategy, admn: false } as never)).toThrow(new TypeError('createDemoApp: unknown option "admn"'));
    expect(() => createDemoApp({ strategy, admin: { sesion: {} } } as never)).toThrow('createAdminRouter: unknown option "sesion"');
    expect(() => createDemoApp({ strategy: {} } as never)).toThrow(/^createDemoApp: option "strategy": /);
  });
});
