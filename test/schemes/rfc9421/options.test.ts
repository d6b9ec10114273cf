// rfc9421's options are checked once, at construction, like every scheme's: a misspelt key
// or a bad value is a TypeError naming its path, and the defaults are the documented ones.
import { describe, expect, it } from "vitest";
import { createRfc9421Scheme } from "../../../strategy/schemes/rfc9421/scheme.js";
import { schemeNames } from "../../../strategy/schemes/registry.js";
import { SshKeyStrategy, type SshKeyStrategyOptions } from "../../../strategy/strategy.js";

// Never opened: construction must fail before any store is used.
const store = new Promise<never>(() => {});
const strategy = (options: Record<string, unknown>) => new SshKeyStrategy({ store, ...options } as SshKeyStrategyOptions);

describe("rfc9421 options", () => {
  it("is a built-in scheme, enabled by default", () => {
    expect(schemeNames).toContain("rfc9421");
    expect(strategy({}).schemes.map((s) => s.name)).toContain("rfc9421");
    expect(strategy({ schemes: ["jwt"] }).schemes.map((s) => s.name)).toEqual(["jwt"]);
  });

  it("names an unknown key and a bad value by its path", () => {
    expect(() => strategy({ rfc9421: { maxAge: 5 } })).toThrow(new TypeError('SshKeyStrategy: unknown option "rfc9421.maxAge"'));
    expect(() => strategy({ rfc9421: { maxAgeSeconds: -1 } })).toThrow(/option "rfc9421\.maxAgeSeconds"/);
    expect(() => strategy({ rfc9421: { maxAgeSeconds: 1.5 } })).toThrow(/option "rfc9421\.maxAgeSeconds"/);
    expect(() => strategy({ rfc9421: { label: "Sig 1" } })).toThrow(/option "rfc9421\.label"/);
    expect(() => strategy({ rfc9421: { origin: "https://api.example.com/base" } })).toThrow(/option "rfc9421\.origin"/);
    expect(() => strategy({ rfc9421: { origin: "ftp://x" } })).toThrow(/option "rfc9421\.origin"/);
    expect(() => strategy({ rfc9421: { targetUri: "https://x" } })).toThrow(/option "rfc9421\.targetUri": must be a function/);
    expect(() => strategy({ rfc9421: { requiredComponents: [] } })).toThrow(/option "rfc9421\.requiredComponents"/);
    expect(() => strategy({ rfc9421: { requiredComponents: [["@Method"]] } })).toThrow(/option "rfc9421\.requiredComponents\[0\]\[0\]"/);
    expect(() => strategy({ rfc9421: { replayProtection: "yes" } })).toThrow(/option "rfc9421\.replayProtection"/);
    expect(() => createRfc9421Scheme({ maxBodyBytes: -1 } as never)).toThrow(/^rfc9421 scheme: option "maxBodyBytes"/);
  });

  it("says in Accept-Signature what it requires: the first required set, the label, created, nonce and keyid", () => {
    expect(createRfc9421Scheme().challengeHeaders).toEqual({ "Accept-Signature": 'sig1=("@method" "@target-uri");created;nonce;keyid' });
    const custom = createRfc9421Scheme({ label: "app", requiredComponents: [["@method", "@authority", "@path", "@query", "x-tenant"]], realm: "api" });
    expect(custom.challengeHeaders).toEqual({ "Accept-Signature": 'app=("@method" "@authority" "@path" "@query" "x-tenant");created;nonce;keyid' });
    expect(custom.challenge).toBe('Signature realm="api"');
  });
});
