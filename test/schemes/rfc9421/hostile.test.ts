// Hostile RFC 9421 requests over HTTP, table-driven: broken structured fields, labels in one
// field and not the other, components that do not exist, queries and digests that do not
// match, unknown parameters and algorithms, bad times, replays, oversized fields, keys of the
// wrong type or size. Each is answered with its status and its own code, never 500; each 401
// carries WWW-Authenticate and Accept-Signature. Valid signatures come from the independent
// http-message-signatures package; the broken ones are written by hand.
import { generateKeyPairSync, randomBytes } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import sshpk from "sshpk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFixtureKeyFile } from "../../support/fixture-keys.js";
import {
  freshNonce,
  loadPackageKey,
  packageSign,
  send,
  sha256Digest,
  type PackageKey,
  type PackageSignOptions,
  type SignedRequest,
} from "../../support/rfc9421.js";
import { startTestServer, type MemoryTestServer } from "../../support/server.js";
import { keygenFingerprint, makeTmpDir, sshKeygen } from "../../support/ssh-keygen.js";

const tmp = makeTmpDir("rfc9421-hostile-");
let t: MemoryTestServer;
let labelled: MemoryTestServer;
let concealed: MemoryTestServer;
type KeyName = "ed25519" | "ecdsa256" | "ecdsa521" | "rsa2048" | "stranger" | "rsa1024";
const keys = {} as Record<KeyName, { key: PackageKey; keyid: string }>;

beforeAll(async () => {
  t = await startTestServer("memory", { exposeErrorCodes: true });
  labelled = await startTestServer("memory", { exposeErrorCodes: true, rfc9421: { label: "app" } });
  concealed = await startTestServer("memory");
  for (const server of [t, labelled, concealed]) await server.store.directory.addUser("alice");
  for (const name of ["ed25519", "ecdsa256", "ecdsa521", "rsa2048", "stranger"] as const) {
    const file =
      name === "rsa2048"
        ? writeFixtureKeyFile("rsa2048-e", path.join(tmp.dir, name), "rsa@test").key
        : sshKeygen(tmp.dir, name, name === "stranger" ? "ed25519" : name);
    if (name !== "stranger") for (const server of [t, labelled, concealed]) await server.store.directory.addKey("alice", readFileSync(`${file}.pub`, "utf8"));
    keys[name] = { key: loadPackageKey(file), keyid: keygenFingerprint(`${file}.pub`) };
  }
  // RSA-1024: the store refuses to register it, so its signatures name no key.
  const rsa1024 = generateKeyPairSync("rsa", { modulusLength: 1024 });
  const file = path.join(tmp.dir, "rsa1024");
  const ssh = sshpk.parsePrivateKey(rsa1024.privateKey.export({ type: "pkcs1", format: "pem" }) as string, "pem");
  writeFileSync(file, ssh.toString("ssh"), { mode: 0o600 });
  writeFileSync(`${file}.pub`, `${ssh.toPublic().toString("ssh")}\n`);
  await expect(t.store.directory.addKey("alice", readFileSync(`${file}.pub`, "utf8"))).rejects.toThrow();
  keys.rsa1024 = { key: loadPackageKey(file), keyid: keygenFingerprint(`${file}.pub`) };
}, 60_000);
afterAll(async () => {
  for (const server of [t, labelled, concealed]) await server?.close();
  tmp.cleanup();
});

// Each case sets the servers' clocks to the wall clock before it is built.
const now = () => Math.floor(Date.now() / 1000);
const fakeKeyid = () => `SHA256:${randomBytes(32).toString("base64").replace(/=+$/, "")}`;
const bytes = (n = 64) => `:${randomBytes(n).toString("base64")}:`;

interface Case {
  name: string;
  /** The request to send, built against `url` (the server's base). */
  build(url: string): Promise<SignedRequest> | SignedRequest;
  status: number;
  code: string;
  server?: () => MemoryTestServer;
  /** Sent once and accepted before the refusal checked. */
  sendFirst?: boolean;
}

/** A request signed by the package with `key` (default Ed25519), then changed by `change`. */
function signed(
  o: Partial<PackageSignOptions> & { key?: KeyName; method?: string; path?: string; body?: string; headers?: Record<string, string> } = {},
  change: (r: SignedRequest) => SignedRequest = (r) => r,
) {
  return async (url: string): Promise<SignedRequest> => {
    const { key = "ed25519", method, path: target, body, headers, ...sign } = o;
    const request: SignedRequest = { method: method ?? (body === undefined ? "GET" : "POST"), url: `${url}${target ?? "/whoami"}`, headers: headers ?? {} };
    if (body !== undefined) request.body = body;
    return change(await packageSign(keys[key].key, request, { created: now(), keyid: keys[key].keyid, ...sign }));
  };
}

/** A request with hand-written Signature-Input and Signature (either may be left out). */
function raw(input: string | null, signature: string | null, extra: Record<string, string> = {}, body?: string) {
  return (url: string): SignedRequest => {
    const headers: Record<string, string> = { ...extra };
    if (input !== null) headers["Signature-Input"] = input;
    if (signature !== null) headers["Signature"] = signature;
    return { method: body === undefined ? "GET" : "POST", url: `${url}/whoami`, headers, ...(body === undefined ? {} : { body }) };
  };
}

/** A well-formed Signature-Input for sig1 with `params` in place of the usual ones. */
const input = (params: string, components = '"@method" "@target-uri"') => `sig1=(${components});${params}`;
const good = () => `created=${now()};nonce="${freshNonce()}";keyid="${fakeKeyid()}"`;

const withHeader = (name: string, value: string) => (r: SignedRequest) => ({ ...r, headers: { ...r.headers, [name]: value } });

const cases: Case[] = [
  // The fields as structured fields.
  { name: "Signature-Input is not a dictionary", build: raw("sig1=(", bytes()), status: 400, code: "signature_input_malformed" },
  { name: "Signature-Input member is a token, not an inner list", build: raw("sig1=abc", `sig1=${bytes()}`), status: 400, code: "signature_input_malformed" },
  { name: "a component is a token, not a string", build: raw(`sig1=(method);${good()}`, `sig1=${bytes()}`), status: 400, code: "signature_input_malformed" },
  { name: "a component is an integer", build: raw(`sig1=(1 "@method");${good()}`, `sig1=${bytes()}`), status: 400, code: "signature_input_malformed" },
  {
    name: "a parameter value that is no bare item",
    build: raw(`sig1=("@method" "@target-uri");created=12a`, `sig1=${bytes()}`),
    status: 400,
    code: "signature_input_malformed",
  },
  { name: "Signature member is a string, not bytes", build: raw(input(good()), 'sig1="abc"'), status: 400, code: "signature_malformed" },
  { name: "Signature bytes are not base64", build: raw(input(good()), "sig1=:!!!:"), status: 400, code: "signature_malformed" },
  { name: "Signature member is an inner list", build: raw(input(good()), `sig1=(${bytes()})`), status: 400, code: "signature_malformed" },
  { name: "Signature is not a dictionary", build: raw(input(good()), "sig1=:AAAA:, ,"), status: 400, code: "signature_malformed" },
  // One field without the other.
  { name: "Signature without Signature-Input", build: raw(null, `sig1=${bytes()}`), status: 400, code: "signature_input_missing" },
  { name: "Signature-Input without Signature", build: raw(input(good()), null), status: 400, code: "signature_missing" },
  { name: "an empty Signature beside Signature-Input", build: raw(input(good()), ""), status: 400, code: "signature_missing" },
  {
    name: "a Signature label with no Signature-Input member",
    build: raw(input(good()), `sig1=${bytes()}, sig2=${bytes()}`),
    status: 400,
    code: "signature_input_missing",
  },
  { name: "an empty Signature-Input", build: raw("", `sig1=${bytes()}`), status: 400, code: "signature_input_missing" },
  {
    name: "five signatures in one request",
    build: raw([1, 2, 3, 4, 5].map((i) => `s${i}=("@method" "@target-uri");${good()}`).join(", "), [1, 2, 3, 4, 5].map((i) => `s${i}=${bytes()}`).join(", ")),
    status: 400,
    code: "too_many_signatures",
  },
  {
    name: "a duplicate label: the last member wins (RFC 8941), which the signature does not cover",
    build: signed({}, (r) => ({
      ...r,
      headers: { ...r.headers, "Signature-Input": `${r.headers["Signature-Input"]}, sig1=("@method" "@target-uri");${good()}` },
    })),
    status: 401,
    code: "unknown_key",
  },
  { name: "the server's label is absent", server: () => labelled, build: signed({ label: "sig1" }), status: 401, code: "label_not_found" },
  // Components.
  {
    name: "a derived component that does not exist",
    build: raw(input(good(), '"@method" "@target-uri" "@nonsense"'), `sig1=${bytes()}`),
    status: 400,
    code: "component_unknown",
  },
  {
    name: "an upper-case field name",
    build: raw(input(good(), '"@method" "@target-uri" "Content-Type"'), `sig1=${bytes()}`),
    status: 400,
    code: "component_unknown",
  },
  { name: "a field with ;sf", build: raw(input(good(), '"@method" "@target-uri" "accept";sf'), `sig1=${bytes()}`), status: 400, code: "component_unknown" },
  {
    name: "@query-param without a name",
    build: raw(input(good(), '"@method" "@target-uri" "@query-param"'), `sig1=${bytes()}`),
    status: 400,
    code: "component_unknown",
  },
  {
    name: "a component with ;req on a request",
    build: raw(input(good(), '"@method";req "@target-uri"'), `sig1=${bytes()}`),
    status: 400,
    code: "component_unknown",
  },
  {
    name: "a covered field the request does not have",
    build: raw(input(good(), '"@method" "@target-uri" "x-missing"'), `sig1=${bytes()}`),
    status: 400,
    code: "component_missing",
  },
  { name: "@status on a request", build: raw(input(good(), '"@method" "@target-uri" "@status"'), `sig1=${bytes()}`), status: 400, code: "component_missing" },
  {
    name: "a query parameter the query does not have",
    build: raw(input(good(), '"@method" "@target-uri" "@query-param";name="nope"'), `sig1=${bytes()}`),
    status: 400,
    code: "component_missing",
  },
  {
    name: "a component listed twice",
    build: raw(input(good(), '"@method" "@method" "@target-uri"'), `sig1=${bytes()}`),
    status: 400,
    code: "signature_input_malformed",
  },
  { name: "only @method covered", build: signed({ fields: ["@method"] }), status: 401, code: "component_not_covered" },
  { name: "only @target-uri covered", build: signed({ fields: ["@target-uri"] }), status: 401, code: "component_not_covered" },
  {
    name: "@method @authority @path without @query",
    build: signed({ fields: ["@method", "@authority", "@path"] }),
    status: 401,
    code: "component_not_covered",
  },
  { name: "nothing covered", build: signed({ fields: [] }), status: 401, code: "component_not_covered" },
  // What the components say against what was sent.
  {
    name: "@query signed for ?a=1, sent with ?a=2",
    build: signed({ path: "/whoami?a=1", fields: ["@method", "@authority", "@path", "@query"] }, (r) => ({ ...r, url: r.url.replace("a=1", "a=2") })),
    status: 401,
    code: "bad_signature",
  },
  {
    name: "@query signed with a query, sent without",
    build: signed({ path: "/whoami?a=1", fields: ["@method", "@authority", "@path", "@query"] }, (r) => ({ ...r, url: r.url.replace("?a=1", "") })),
    status: 401,
    code: "bad_signature",
  },
  {
    name: "@target-uri signed for another host",
    build: (url) => signed({}, (r) => ({ ...r, url: r.url.replace("http://evil.example", url) }))("http://evil.example"),
    status: 401,
    code: "bad_signature",
  },
  { name: "@method signed as GET, sent as DELETE", build: signed({}, (r) => ({ ...r, method: "DELETE" })), status: 401, code: "bad_signature" },
  {
    name: "@path signed for another path",
    build: signed({ path: "/whoami/../whoami" }, (r) => ({ ...r, url: r.url.replace("/whoami/../whoami", "/whoami") })),
    status: 401,
    code: "bad_signature",
  },
  {
    name: "a covered field changed after signing",
    build: signed({ headers: { "X-Tenant": "a" }, fields: ["@method", "@target-uri", "x-tenant"] }, withHeader("X-Tenant", "b")),
    status: 401,
    code: "bad_signature",
  },
  // Content-Digest.
  { name: "a body without content-digest covered", build: signed({ body: "{}", fields: ["@method", "@target-uri"] }), status: 401, code: "digest_missing" },
  {
    name: "a body covered by the digest of another body",
    build: signed({ body: "signed" }, (r) => ({ ...r, body: "sent!!" })),
    status: 401,
    code: "digest_mismatch",
  },
  {
    name: "a Content-Digest with no sha-256 or sha-512",
    build: signed({ body: "x", headers: { "Content-Digest": "md5=:AAAAAAAAAAAAAAAAAAAAAA==:" } }),
    status: 401,
    code: "digest_unsupported",
  },
  {
    name: "a Content-Digest that is not a dictionary of bytes",
    build: signed({ body: "x", headers: { "Content-Digest": 'sha-256="abc"' } }),
    status: 400,
    code: "digest_malformed",
  },
  {
    name: "a covered Content-Digest removed",
    build: signed({ body: "x" }, (r) => ({ ...r, headers: Object.fromEntries(Object.entries(r.headers).filter(([k]) => k !== "Content-Digest")) })),
    status: 400,
    code: "component_missing",
  },
  {
    name: "a digest of the right body beside one of another",
    build: signed({ body: "x", headers: { "Content-Digest": `${sha256Digest("x")}, sha-512=:${Buffer.alloc(64).toString("base64")}:` } }),
    status: 401,
    code: "digest_mismatch",
  },
  { name: "a body larger than maxBodyBytes", build: signed({ body: "a".repeat(1024 * 1024 + 1) }), status: 413, code: "body_too_large" },
  // Parameters.
  { name: "an unknown parameter", build: raw(input(`${good()};foo=1`), `sig1=${bytes()}`), status: 400, code: "param_unknown" },
  {
    name: "no created",
    build: signed({ created: undefined as never }, (r) => ({
      ...r,
      headers: { ...r.headers, "Signature-Input": r.headers["Signature-Input"]!.replace(/;created=\d+/, "") },
    })),
    status: 401,
    code: "created_missing",
  },
  { name: "no nonce", build: signed({ nonce: null }), status: 401, code: "nonce_missing" },
  { name: "an empty nonce", build: raw(input(`created=${now()};nonce="";keyid="${fakeKeyid()}"`), `sig1=${bytes()}`), status: 401, code: "nonce_missing" },
  {
    name: "a nonce of 300 characters",
    build: raw(input(`created=${now()};nonce="${"n".repeat(300)}";keyid="${fakeKeyid()}"`), `sig1=${bytes()}`),
    status: 400,
    code: "signature_input_malformed",
  },
  {
    name: "a negative created",
    build: raw(input(`created=-5;nonce="n";keyid="${fakeKeyid()}"`), `sig1=${bytes()}`),
    status: 400,
    code: "signature_input_malformed",
  },
  {
    name: "created as a string",
    build: raw(input(`created="1700000000";nonce="n";keyid="${fakeKeyid()}"`), `sig1=${bytes()}`),
    status: 400,
    code: "signature_input_malformed",
  },
  {
    name: "created as a decimal",
    build: raw(input(`created=1700000000.5;nonce="n";keyid="${fakeKeyid()}"`), `sig1=${bytes()}`),
    status: 400,
    code: "signature_input_malformed",
  },
  { name: "a tag that is not a string", build: raw(input(`${good()};tag=1`), `sig1=${bytes()}`), status: 400, code: "signature_input_malformed" },
  { name: "a huge created", build: signed({ created: 999_999_999_999 }), status: 401, code: "clock_skew" },
  { name: "created two minutes ago", build: signed({ created: Math.floor(Date.now() / 1000) - 120 }), status: 401, code: "clock_skew" },
  { name: "created two minutes ahead", build: signed({ created: Math.floor(Date.now() / 1000) + 120 }), status: 401, code: "clock_skew" },
  { name: "expires in the past", build: signed({ expires: Math.floor(Date.now() / 1000) - 30 }), status: 401, code: "token_expired" },
  // Keys and algorithms.
  { name: "no keyid", build: raw(input(`created=${now()};nonce="n"`), `sig1=${bytes()}`), status: 400, code: "keyid_malformed" },
  {
    name: "a keyid that is not a SHA256 fingerprint",
    build: raw(input(`created=${now()};nonce="n";keyid="test-key-ed25519"`), `sig1=${bytes()}`),
    status: 400,
    code: "keyid_malformed",
  },
  {
    name: "a keyid that is an MD5 fingerprint",
    build: raw(input(`created=${now()};nonce="n";keyid="MD5:${"ab:".repeat(15)}ab"`), `sig1=${bytes()}`),
    status: 400,
    code: "keyid_malformed",
  },
  { name: "a keyid no stored key has", build: signed({ key: "stranger" }), status: 401, code: "unknown_key" },
  {
    name: "a stored key's keyid, signed by another key",
    build: (url) => signed({ key: "stranger", keyid: keys.ed25519.keyid })(url),
    status: 401,
    code: "bad_signature",
  },
  { name: "alg ed25519 on a P-256 key's signature", build: signed({ key: "ecdsa256", alg: "ed25519" }), status: 401, code: "alg_mismatch" },
  { name: "alg rsa-v1_5-sha256 on an Ed25519 key's signature", build: signed({ alg: "rsa-v1_5-sha256" }), status: 401, code: "alg_mismatch" },
  { name: "alg hmac-sha256", build: signed({ alg: "hmac-sha256" }), status: 401, code: "alg_not_allowed" },
  { name: "alg rsa-pss-sha512", build: signed({ key: "rsa2048", alg: "rsa-pss-sha512" }), status: 401, code: "alg_not_allowed" },
  { name: "a P-521 key (no registered alg), without alg", build: signed({ key: "ecdsa521", alg: null }), status: 401, code: "unknown_key" },
  { name: "a P-521 key with alg ecdsa-p521-sha512", build: signed({ key: "ecdsa521" }), status: 401, code: "alg_not_allowed" },
  { name: "an RSA-1024 key", build: signed({ key: "rsa1024" }), status: 401, code: "unknown_key" },
  {
    name: "an Ed25519 signature cut short",
    build: signed({}, (r) => ({ ...r, headers: { ...r.headers, Signature: r.headers["Signature"]!.replace(/^sig1=:(.{40}).*:$/, "sig1=:$1:") } })),
    status: 401,
    code: "bad_signature",
  },
  {
    name: "a P-256 signature in DER, not r||s",
    build: signed({ key: "ecdsa256" }, (r) => ({
      ...r,
      headers: { ...r.headers, Signature: `sig1=:${Buffer.concat([Buffer.from([0x30, 0x44]), Buffer.alloc(70)]).toString("base64")}:` },
    })),
    status: 401,
    code: "bad_signature",
  },
  // Size.
  {
    name: "a Signature-Input over 8 KiB",
    build: raw(input(`${good()};tag="${"t".repeat(9000)}"`), `sig1=${bytes()}`),
    status: 413,
    code: "credentials_too_large",
  },
  { name: "a Signature over 8 KiB", build: raw(input(good()), `sig1=${bytes(7000)}`), status: 413, code: "credentials_too_large" },
  // Replays.
  { name: "the same signed request twice", build: signed(), sendFirst: true, status: 401, code: "replayed" },
  // What strangers see.
  { name: "an unknown key, without exposeErrorCodes", server: () => concealed, build: signed({ key: "stranger" }), status: 401, code: "invalid_credentials" },
];

describe("hostile RFC 9421 requests", () => {
  it("has at least fifty cases", () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  for (const c of cases) {
    it(`${c.name} → ${c.status} ${c.code}`, async () => {
      const server = c.server?.() ?? t;
      server.clock.now = Date.now();
      const request = await c.build(server.url);
      if (c.sendFirst) expect((await send(request)).status).toBe(200);
      const r = await send(request);
      expect([r.status, r.body?.error?.code]).toEqual([c.status, c.code]);
      if (r.status === 401) {
        expect(r.headers.get("www-authenticate")).toMatch(/Signature realm="passport-sshkey"/);
        expect(r.headers.get("accept-signature")).toMatch(/^(sig1|app)=\("@method" "@target-uri"\);created;nonce;keyid$/);
      }
    });
  }

  it("lets in the one acceptable signature that verifies among several", async () => {
    t.clock.now = Date.now();
    const url = `${t.url}/whoami`;
    const first = await packageSign(keys.stranger.key, { method: "GET", url, headers: {} }, { created: now(), keyid: keys.stranger.keyid, label: "a" });
    const both = await packageSign(keys.ecdsa256.key, first, { created: now(), keyid: keys.ecdsa256.keyid, label: "b" });
    const withBroken = {
      ...both,
      headers: {
        ...both.headers,
        "Signature-Input": `${both.headers["Signature-Input"]}, c=("@method");created=1`,
        Signature: `${both.headers["Signature"]}, c=:AAAA:`,
      },
    };
    const r = await send(withBroken);
    expect([r.status, r.body.fingerprint]).toEqual([200, keys.ecdsa256.keyid]);
  });

  it("a missing credential still answers missing_credentials, with Accept-Signature beside the other schemes' challenges", async () => {
    const r = await send({ method: "GET", url: `${t.url}/whoami`, headers: {} });
    expect([r.status, r.body.error.code]).toEqual([401, "missing_credentials"]);
    expect(r.headers.get("www-authenticate")).toContain('Signature realm="passport-sshkey"');
    expect(r.headers.get("accept-signature")).toBe('sig1=("@method" "@target-uri");created;nonce;keyid');
  });
});
