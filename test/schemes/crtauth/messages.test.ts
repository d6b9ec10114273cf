import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { AuthError } from "../../../strategy/errors.js";
import {
  appendMac,
  decodeChallenge,
  decodeRequest,
  decodeResponse,
  decodeToken,
  encodeChallengeBody,
  encodeRequest,
  encodeResponse,
  encodeTokenBody,
} from "../../../strategy/schemes/crtauth/messages.js";
import { MsgpackWriter } from "../../../strategy/schemes/crtauth/msgpack.js";
import { b64, expectAuthError, expectOnlyAuthError, expectOnlyAuthErrorsPerByte, hex, vectors } from "./helpers.js";

const V = vectors.v1;
const challengeBytes = b64(V.challenge.text);
const responseBytes = b64(V.response.text);
const tokenBytes = b64(V.token.text);

describe("v1 vectors decode and re-encode byte for byte", () => {
  it("requests", () => {
    for (const [username, text] of Object.entries(V.requests)) {
      expect(encodeRequest(username).toString("base64url")).toBe(text);
      expect(decodeRequest(b64(text))).toEqual({ version: 1, username });
    }
  });

  it("challenge (104 bytes, HMAC-SHA256 over the first 70)", () => {
    const c = decodeChallenge(challengeBytes);
    expect(challengeBytes.length).toBe(104);
    expect(c.uniqueData.toString("hex")).toBe(V.challenge.uniqueDataHex);
    expect(c.validFrom).toBe(V.challenge.validFrom);
    expect(c.validTo).toBe(V.challenge.validTo);
    expect(c.fingerprint.toString("hex")).toBe(V.challenge.fingerprintHex);
    expect(c.serverName).toBe(V.challenge.serverName);
    expect(c.username).toBe(V.challenge.username);
    expect(c.hmac.toString("hex")).toBe(V.challenge.hmacHex);
    expect(c.signedPart.length).toBe(70);
    expect(createHmac("sha256", V.challenge.secret).update(c.signedPart).digest("hex")).toBe(V.challenge.hmacHex);
    const body = encodeChallengeBody(c);
    expect(body.equals(c.signedPart)).toBe(true);
    expect(appendMac(body, c.hmac).toString("base64url")).toBe(V.challenge.text);
  });

  it("response (367 bytes)", () => {
    const r = decodeResponse(responseBytes);
    expect(responseBytes.length).toBe(367);
    expect(r.challenge.equals(challengeBytes)).toBe(true);
    expect(r.signature.length).toBe(256);
    expect(r.signature.toString("hex").startsWith(V.response.signaturePrefixHex)).toBe(true);
    expect(r.signature.toString("hex").endsWith(V.response.signatureSuffixHex)).toBe(true);
    expect(encodeResponse(r).toString("base64url")).toBe(V.response.text);
    expect(V.response.text).toHaveLength(490);
  });

  it("token (Java / spec layout)", () => {
    const t = decodeToken(tokenBytes);
    expect(t).toMatchObject({ validFrom: V.token.validFrom, validTo: V.token.validTo, username: V.token.username });
    const body = encodeTokenBody(t);
    expect(body.equals(t.signedPart)).toBe(true);
    expect(createHmac("sha256", V.token.secret).update(body).digest().equals(t.hmac)).toBe(true);
    expect(appendMac(body, t.hmac).toString("base64url")).toBe(V.token.text);
  });
});

describe("decodeRequest", () => {
  it("accepts str8/str16/str32 usernames (Python clients send str16 for 32+ bytes)", () => {
    const name = "a".repeat(40);
    for (const h of ["d928", "da0028", "db00000028"]) {
      expect(decodeRequest(hex("0171" + h + Buffer.from(name).toString("hex"))).username).toBe(name);
    }
  });

  it("reads newer versions as version 1 and ignores their extra fields (spec)", () => {
    expect(decodeRequest(hex("0271a3616263c0c0"))).toEqual({ version: 2, username: "abc" });
    expect(decodeRequest(hex("cc0571a3616263"))).toEqual({ version: 5, username: "abc" });
    // so a leading 'v' (0x76) is version 118 here, not a v0 marker
    expect(decodeRequest(hex("7671a3616263")).version).toBe(0x76);
  });

  it("refuses trailing bytes in a version 1 request", () => {
    expectAuthError(() => decodeRequest(hex("0171a3616263c0")), "malformed_token");
  });

  it.each([
    ["0071a3616263", "unsupported_version", "version 0 in msgpack"],
    ["0163a3616263", "malformed_token", "challenge magic"],
    ["0172a3616263", "malformed_token", "response magic"],
    ["0171c403616263", "malformed_token", "bin username"],
    ["017101", "malformed_token", "int username"],
    ["0171a0", "invalid_claim", "empty username"],
    ["0171a3610a62", "invalid_claim", "control character"],
    ["0171d941" + "61".repeat(65), "invalid_claim", "65 characters"],
    ["0171da0101" + "61".repeat(257), "malformed_token", "over the byte cap"],
    ["a3616263", "malformed_token", "no header at all"],
    ["ff71a3616263", "malformed_token", "negative version"],
  ])("rejects %s as %s (%s)", (input, code) => {
    expectAuthError(() => decodeRequest(hex(input)), code as AuthError["code"]);
  });

  it("accepts exactly 64 characters, multi-byte ones too", () => {
    const name = "é".repeat(64);
    expect(decodeRequest(encodeRequest(name)).username).toBe(name);
  });
});

/** Every decoder is total: each prefix and each single-byte corruption throws AuthError or decodes. */
describe.each([
  ["request", () => b64(V.requests.alice!), (b: Buffer) => decodeRequest(b)],
  ["challenge", () => challengeBytes, (b: Buffer) => decodeChallenge(b)],
  ["response", () => responseBytes, (b: Buffer) => decodeResponse(b)],
  ["token", () => tokenBytes, (b: Buffer) => decodeToken(b)],
] as const)("hostile %s bytes", (_name, good, decode) => {
  it("every truncation is malformed_token", () => {
    const bytes = good();
    for (let n = 0; n < bytes.length; n++) {
      expectAuthError(() => decode(bytes.subarray(0, n)), "malformed_token");
    }
  });

  it("trailing garbage is malformed_token (requests: only for version 1)", () => {
    for (const extra of ["00", "c0", "c400", "ffffffff"]) {
      expectAuthError(() => decode(Buffer.concat([good(), hex(extra)])), "malformed_token");
    }
  });

  it("wrong version is unsupported_version; wrong magic is malformed_token", () => {
    const bytes = Buffer.from(good());
    for (const v of _name === "request" ? [0x00] : [0x00, 0x02, 0x76, 0x72]) {
      bytes[0] = v;
      expectAuthError(() => decode(bytes), "unsupported_version");
    }
    const wrongMagic = Buffer.from(good());
    wrongMagic[1] = 0x78;
    expectAuthError(() => decode(wrongMagic), "malformed_token");
  });

  it("every single-byte corruption throws only AuthError", () => {
    expectOnlyAuthErrorsPerByte(good(), [0x00, 0x7f, 0x80, 0xc4, 0xce, 0xd9, 0xdb, 0xff], decode);
  });

  it("random garbage throws only AuthError", () => {
    let seed = 12345;
    const next = () => (seed = (seed * 1103515245 + 12345) >>> 0) >>> 24;
    for (let i = 0; i < 2000; i++) {
      const len = next() % 64;
      const buf = Buffer.from(Array.from({ length: len }, next));
      if (len > 1 && i % 2 === 0) buf[0] = 1;
      expectOnlyAuthError(() => decode(buf));
    }
  });
});

describe("decodeChallenge field checks", () => {
  const build = (mut: (w: MsgpackWriter) => MsgpackWriter) => mut(new MsgpackWriter().uint(1).uint(0x63)).toBuffer();
  const full = (o: { unique?: number; fp?: number; mac?: number; from?: number; to?: number; server?: string; user?: string }) =>
    build((w) =>
      w
        .bin(Buffer.alloc(o.unique ?? 20))
        .uint(o.from ?? 10)
        .uint(o.to ?? 20)
        .bin(Buffer.alloc(o.fp ?? 6))
        .str(o.server ?? "host")
        .str(o.user ?? "alice")
        .bin(Buffer.alloc(o.mac ?? 32)),
    );

  it("accepts the well-formed shape", () => {
    expect(decodeChallenge(full({})).username).toBe("alice");
  });

  it.each([
    [{ unique: 19 }, "unique data of 19 bytes"],
    [{ unique: 21 }, "unique data of 21 bytes"],
    [{ fp: 5 }, "fingerprint of 5 bytes"],
    [{ fp: 16 }, "MD5-sized fingerprint"],
    [{ mac: 20 }, "SHA-1 sized HMAC"],
    [{ mac: 33 }, "33-byte HMAC"],
    [{ from: 20, to: 20 }, "empty window"],
    [{ from: 30, to: 20 }, "inverted window"],
    [{ server: "" }, "empty server name"],
    [{ user: "" }, "empty username"],
  ] as Array<[Parameters<typeof full>[0], string]>)("rejects %j (%s)", (o) => {
    expectAuthError(() => decodeChallenge(full(o)), "malformed_token");
  });

  it("rejects a str where bytes belong and bytes where a str belongs", () => {
    const strUnique = build((w) => w.str("x".repeat(20)).uint(10).uint(20).bin(Buffer.alloc(6)).str("h").str("u").bin(Buffer.alloc(32)));
    expectAuthError(() => decodeChallenge(strUnique), "malformed_token");
    const binServer = build((w) => w.bin(Buffer.alloc(20)).uint(10).uint(20).bin(Buffer.alloc(6)).bin(Buffer.from("h")).str("u").bin(Buffer.alloc(32)));
    expectAuthError(() => decodeChallenge(binServer), "malformed_token");
  });

  it("caps the server name at 255 bytes", () => {
    expectAuthError(() => decodeChallenge(full({ server: "h".repeat(256) })), "malformed_token");
    expect(decodeChallenge(full({ server: "h".repeat(255) })).serverName).toHaveLength(255);
  });
});

describe("decodeResponse field checks", () => {
  it("caps the challenge and signature sizes and refuses empty ones", () => {
    const resp = (c: number, s: number) => encodeResponse({ challenge: Buffer.alloc(c, 1), signature: Buffer.alloc(s, 1) });
    expect(decodeResponse(resp(1024, 2048)).signature).toHaveLength(2048);
    expectAuthError(() => decodeResponse(resp(1025, 256)), "malformed_token");
    expectAuthError(() => decodeResponse(resp(104, 2049)), "malformed_token");
    expectAuthError(() => decodeResponse(resp(0, 256)), "malformed_token");
    expectAuthError(() => decodeResponse(resp(104, 0)), "malformed_token");
  });
});

describe("encoders refuse impossible fields (programmer errors)", () => {
  it("challenge field sizes", () => {
    const ok = {
      uniqueData: Buffer.alloc(20),
      validFrom: 1,
      validTo: 2,
      fingerprint: Buffer.alloc(6),
      serverName: "h",
      username: "u",
    };
    expect(() => encodeChallengeBody({ ...ok, uniqueData: Buffer.alloc(19) })).toThrow(RangeError);
    expect(() => encodeChallengeBody({ ...ok, fingerprint: Buffer.alloc(7) })).toThrow(RangeError);
    expect(() => encodeChallengeBody({ ...ok, validFrom: -1 })).toThrow(RangeError);
  });
});
