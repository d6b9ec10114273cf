// Every option object is checked once, at construction, at every depth, and a mistake is a
// TypeError naming the key (issue 12): nothing misspelt is silently ignored any more.
import { describe, expect, it } from "vitest";
import { createCrtauthRouter } from "../../strategy/schemes/crtauth/router.js";
import { createCrtauthScheme } from "../../strategy/schemes/crtauth/scheme.js";
import { createJwtScheme } from "../../strategy/schemes/jwt/scheme.js";
import { createSshauthScheme } from "../../strategy/schemes/sshauth/scheme.js";
import { SshKeyStrategy, type SshKeyStrategyOptions } from "../../strategy/strategy.js";
import type { CrtauthRouterStore } from "../../strategy/schemes/crtauth/router.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { jwtFor } from "../support/tokens.js";

const T = 1_900_000_000;
const key = freshKeyPair("ed25519").privateKey;

// Never opened: construction must fail before any store is used.
const store = new Promise<never>(() => {});
const strategy = (options: Record<string, unknown>) => new SshKeyStrategy({ store, ...options } as SshKeyStrategyOptions);
const routerStore = {} as CrtauthRouterStore;

describe("SshKeyStrategy options", () => {
  it("names an unknown key inside a scheme's options", () => {
    expect(() => strategy({ jwt: { tolerance: 5 } })).toThrow(new TypeError('SshKeyStrategy: unknown option "jwt.tolerance"'));
    expect(() => strategy({ crtauth: { secrett: "x" } })).toThrow(new TypeError('SshKeyStrategy: unknown option "crtauth.secrett"'));
    expect(() => strategy({ sshauth: { bindRequest: true } })).toThrow(/unknown option "sshauth\.bindRequest"/);
    expect(() => strategy({ failureThrottle: { maxFailure: 3 } })).toThrow(/unknown option "failureThrottle\.maxFailure"/);
  });

  it("names a bad value by its path", () => {
    expect(() => strategy({ jwt: { toleranceSeconds: Number.NaN } })).toThrow(/^SshKeyStrategy: option "jwt\.toleranceSeconds": /);
    expect(() => strategy({ clockToleranceSeconds: Number.NaN })).toThrow(/option "clockToleranceSeconds"/);
    expect(() => strategy({ sshauth: { clockToleranceSeconds: 1.5 } })).toThrow(/option "sshauth\.clockToleranceSeconds"/);
    expect(() => strategy({ exposeErrorCodes: "yes" })).toThrow(/option "exposeErrorCodes"/);
    expect(() => strategy({ schemes: ["jwt", "ntlm"] })).toThrow(/option "schemes\[1\]"/);
    expect(() => strategy({ sshauth: { magic: "short" } })).toThrow(/option "magic".*8 bytes/);
    expect(() => strategy({ crtauth: { tokenLifetimeSeconds: 599 } })).toThrow(/option "crtauth\.tokenLifetimeSeconds"/);
  });

  it("has one name for clock tolerance; the old names stay as aliases, and the scheme's own setting wins", async () => {
    const jwtOf = (options: Record<string, unknown>) => strategy({ schemes: ["jwt"], ...options }).schemes[0]! as unknown as ReturnType<typeof createJwtScheme>;
    // A token 10 s old: inside a 30 s tolerance, outside a 5 s one.
    const accepts = async (codec: ReturnType<typeof createJwtScheme>) => {
      const ctx = { request: {} as never, routeOptions: {}, nowMs: T * 1000 };
      const decoded = await codec.decode(jwtFor("alice", key, { time: T - 10 }).slice(4), ctx);
      try {
        codec.afterSignature!(decoded, true, {} as never, ctx);
        return true;
      } catch (error) {
        if ((error as { code?: string }).code === "clock_skew") return false;
        throw error;
      }
    };
    expect(await accepts(jwtOf({ jwt: { clockToleranceSeconds: 30 } }))).toBe(true);
    expect(await accepts(jwtOf({ jwt: { clockToleranceSeconds: 5 } }))).toBe(false);
    expect(await accepts(jwtOf({ jwt: { toleranceSeconds: 30 } }))).toBe(true);
    expect(await accepts(jwtOf({ jwt: { toleranceSeconds: 30, clockToleranceSeconds: 5 } }))).toBe(false);
    expect(await accepts(jwtOf({ clockToleranceSeconds: 30 }))).toBe(true);
    expect(await accepts(jwtOf({ clockToleranceSeconds: 30, jwt: { clockToleranceSeconds: 5 } }))).toBe(false);
    expect(await accepts(jwtOf({}))).toBe(true); // default 20
    expect(() => strategy({ sshauth: { maxSkewSeconds: 30 } })).not.toThrow();
  });
});

describe("scheme and router options on their own", () => {
  it("are checked by the scheme factories", () => {
    expect(() => createJwtScheme({ tolerance: 5 } as never)).toThrow(/jwt scheme: unknown option "tolerance"/);
    expect(() => createSshauthScheme({ maxSkew: 5 } as never)).toThrow(/sshauth scheme: unknown option "maxSkew"/);
    expect(() => createCrtauthScheme({ secrett: "x" } as never)).toThrow(/crtauth scheme: unknown option "secrett"/);
    expect(() => createJwtScheme({ audience: [] })).toThrow(/option "audience"/);
  });

  it("are checked by createCrtauthRouter", () => {
    expect(() => createCrtauthRouter({ store: routerStore, secret: "s", secrett: "x" } as never)).toThrow(/createCrtauthRouter: unknown option "secrett"/);
    expect(() => createCrtauthRouter({ store: routerStore, secret: "s", failureThrottle: { windowMs: -1 } })).toThrow(/option "failureThrottle\.windowMs"/);
    expect(() => createCrtauthRouter({ store: routerStore, secret: "s", serverName: "not a host" })).toThrow(/option "serverName"/);
    expect(() => createCrtauthRouter({ store: routerStore, secret: "s", failureThrottle: false, tokenLifetimeSeconds: 60 })).not.toThrow();
  });
});
