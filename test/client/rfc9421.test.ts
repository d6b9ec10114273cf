// rfc9421Headers' choices and refusals through the public client API: parameters and labels,
// components beyond the default, the keys RFC 9421 has no algorithm for, misused options;
// requestHeadersFor / authorizationFor with scheme "rfc9421". Each signature is checked by the
// independent verifier (test/support/rfc9421-verifier.ts).
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { authorizationFor, keyFitsScheme, loadKeyFileSigner, requestHeadersFor, rfc9421Headers, type ClientSigner } from "../../strategy/client/index.js";
import { writeFixtureKeyFile } from "../support/fixture-keys.js";
import { sha256ContentDigest, thirdPartyVerifies } from "../support/rfc9421-verifier.js";
import { keygenFingerprint, makeTmpDir, sshKeygen } from "../support/ssh-keygen.js";

const tmp = makeTmpDir("client-rfc9421-options-");
let ed25519: string;
let rsa: string;
let p521: string;
let signer: ClientSigner;
const url = "http://127.0.0.1:3000/api/things?q=1";

beforeAll(async () => {
  ed25519 = sshKeygen(tmp.dir, "id_ed25519", "ed25519");
  p521 = sshKeygen(tmp.dir, "id_p521", "ecdsa521");
  rsa = writeFixtureKeyFile("rsa2048-f", path.join(tmp.dir, "id_rsa"), "rsa@test").key;
  signer = await loadKeyFileSigner(ed25519);
}, 60_000);

afterAll(() => {
  signer?.close();
  tmp.cleanup();
});

const verifies = (headers: object, init: { method?: string; url?: string; extra?: Record<string, string>; required?: string[] } = {}) =>
  thirdPartyVerifies(
    `${ed25519}.pub`,
    { method: init.method ?? "GET", url: init.url ?? url, headers: { ...init.extra, ...(headers as Record<string, string>) } },
    init.required,
  );

describe("rfc9421Headers", () => {
  it("writes created, nonce, keyid and alg as given, with the label and expires asked for", async () => {
    const headers = await rfc9421Headers({ signer, method: "get", url, created: 1_700_000_000, nonce: "n-0123456789abcdef", label: "my-app", expiresIn: 30 });
    expect(headers["signature-input"]).toBe(
      `my-app=("@method" "@target-uri");created=1700000000;expires=1700000030;nonce="n-0123456789abcdef";alg="ed25519";keyid="${keygenFingerprint(`${ed25519}.pub`)}"`,
    );
    expect(headers.signature).toMatch(/^my-app=:[A-Za-z0-9+/]{86}==:$/);
    // Created long ago: the third-party verifier's maxAge refuses it, so check a fresh one.
    const fresh = await rfc9421Headers({ signer, method: "get", url, label: "my-app", expiresIn: 30 });
    expect(await verifies(fresh)).toBe(true);
  });

  it("a fresh random nonce each time", async () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 5; i++) nonces.add(/;nonce="([^"]+)"/.exec((await rfc9421Headers({ signer, method: "GET", url }))["signature-input"])![1]!);
    expect(nonces.size).toBe(5);
  });

  it("covers @authority, @path and @query, and request fields, when asked", async () => {
    const headers = await rfc9421Headers({
      signer,
      method: "POST",
      url,
      body: "hello",
      headers: { "Content-Type": "text/plain", "X-Trace": " a " },
      components: ["@method", "@authority", "@path", "@query", "content-type", "x-trace"],
    });
    // content-digest is added: a body is always bound.
    expect(headers["signature-input"]).toMatch(/^sig1=\("@method" "@authority" "@path" "@query" "content-type" "x-trace" "content-digest"\);/);
    expect(headers["content-digest"]).toBe(sha256ContentDigest("hello"));
    const required = ["@method", "@authority", "@path", "@query", "content-digest"];
    expect(await verifies(headers, { method: "POST", extra: { "content-type": "text/plain", "x-trace": "a" }, required })).toBe(true);
    expect(await verifies(headers, { method: "POST", extra: { "content-type": "text/html", "x-trace": "a" }, required })).toBe(false);
  });

  it("an empty body is still a body: its digest is signed", async () => {
    const headers = await rfc9421Headers({ signer, method: "POST", url, body: "" });
    expect(headers["content-digest"]).toBe(sha256ContentDigest(""));
    expect(await verifies(headers, { method: "POST" })).toBe(true);
  });

  it("signs the URL as fetch sends it: no fragment, the path and query as the WHATWG URL serialises them", async () => {
    const headers = await rfc9421Headers({ signer, method: "GET", url: "http://127.0.0.1:3000/a b/ü?x=ä y#top" });
    expect(await verifies(headers, { url: "http://127.0.0.1:3000/a%20b/%C3%BC?x=%C3%A4%20y" })).toBe(true);
  });

  it("keyid may be overridden", async () => {
    const headers = await rfc9421Headers({ signer, method: "GET", url, keyid: "my-key" });
    expect(headers["signature-input"]).toContain(';keyid="my-key"');
  });

  it("RSA signs rsa-v1_5-sha256", async () => {
    const rsaSigner = await loadKeyFileSigner(rsa);
    try {
      const headers = await rfc9421Headers({ signer: rsaSigner, method: "GET", url });
      expect(headers["signature-input"]).toContain(';alg="rsa-v1_5-sha256"');
      expect(await thirdPartyVerifies(`${rsa}.pub`, { method: "GET", url, headers: { ...headers } })).toBe(true);
    } finally {
      rsaSigner.close();
    }
  });

  it("P-521 has no registered algorithm: a TypeError naming the keys that can sign, and no agent key of that type is offered", async () => {
    const p521Signer = await loadKeyFileSigner(p521);
    try {
      await expect(rfc9421Headers({ signer: p521Signer, method: "GET", url })).rejects.toThrow(
        /RFC 9421 has no registered algorithm for ecdsa-sha2-nistp521 \(SHA256:[^)]+\): sign with an Ed25519, ECDSA P-256\/P-384 or RSA key/,
      );
      expect(keyFitsScheme(p521Signer.publicKey, "rfc9421")).toBe(false);
      expect(keyFitsScheme(signer.publicKey, "rfc9421")).toBe(true);
    } finally {
      p521Signer.close();
    }
  });

  it.each([
    ["a misspelt option", { labl: "x" }, /unknown option "labl"/],
    ["a label that is not a structured-field key", { label: "Sig 1" }, /label/],
    ["an unknown derived component", { components: ["@nope"] }, /component "@nope" is not a derived component/],
    ["an upper-case field name", { components: ["Content-Type"] }, /is not a lower-case component name/],
    ["a field the request does not have", { components: ["@method", "x-missing"] }, /"x-missing" is not a field of this message/],
    ["a component that does not parse", { components: ['@query-param;name="x'] }, /is not a component/],
    ["a nonce with a control character", { nonce: "a\nb" }, /nonce/],
    ["a negative created", { created: -1 }, /created/],
    ["a non-integer expiresIn", { expiresIn: 1.5 }, /expiresIn/],
    ["a method that is not a token", { method: "GET X" }, /method/],
  ])("%s is a TypeError", async (_name, extra, message) => {
    await expect(rfc9421Headers({ signer, method: "GET", url, ...extra } as Parameters<typeof rfc9421Headers>[0])).rejects.toThrow(message);
    await expect(rfc9421Headers({ signer, method: "GET", url, ...extra } as Parameters<typeof rfc9421Headers>[0])).rejects.toBeInstanceOf(TypeError);
  });

  it("a URL with a user name is refused", async () => {
    await expect(rfc9421Headers({ signer, method: "GET", url: "http://alice:pw@127.0.0.1/" })).rejects.toThrow(/user name or password/);
  });
});

describe("requestHeadersFor / authorizationFor with scheme rfc9421", () => {
  it("requestHeadersFor answers the three fields, no username needed, signed at now()", async () => {
    const now = () => 1_700_000_123_456;
    const headers = await requestHeadersFor({ scheme: "rfc9421", signer, now, rfc9421: { label: "a" } }, { url: new URL(url), method: "PUT", body: "x" });
    expect(Object.keys(headers).sort()).toEqual(["content-digest", "signature", "signature-input"]);
    expect(headers["signature-input"]).toMatch(/^a=\("@method" "@target-uri" "content-digest"\);created=1700000123;/);
  });

  it("requestHeadersFor answers authorization for the other schemes", async () => {
    const headers = await requestHeadersFor({ scheme: "jwt", signer, username: "alice" }, { url: new URL(url), method: "GET" });
    expect(Object.keys(headers)).toEqual(["authorization"]);
    expect(headers.authorization).toMatch(/^JWT /);
  });

  it("authorizationFor refuses rfc9421 (it is not an Authorization value) and a scheme without its username", async () => {
    await expect(authorizationFor({ scheme: "rfc9421", signer }, { url: new URL(url), method: "GET" })).rejects.toThrow(
      /use requestHeadersFor or rfc9421Headers/,
    );
    await expect(authorizationFor({ scheme: "jwt", signer }, { url: new URL(url), method: "GET" })).rejects.toThrow(/jwt needs a username/);
  });

  it("an unknown rfc9421 option is named", async () => {
    await expect(requestHeadersFor({ scheme: "rfc9421", signer, rfc9421: { lable: "x" } as never }, { url: new URL(url), method: "GET" })).rejects.toThrow(
      /unknown option "rfc9421.lable"/,
    );
  });
});
