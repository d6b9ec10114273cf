import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import {
  decodeLegacyChallenge,
  decodeLegacyResponse,
  decodeLegacyToken,
  decodeVerifiablePayload,
  encodeLegacyChallenge,
  encodeLegacyResponse,
  encodeLegacyToken,
  encodeVerifiablePayload,
} from "../../../strategy/schemes/crtauth/legacy.js";
import { b64, expectAuthError, expectOnlyAuthErrorsPerByte, hex, vectors } from "./helpers.js";

const V = vectors.v0;

describe("v0 vectors decode and re-encode byte for byte", () => {
  it("legacy token (Python server format, HMAC-SHA1)", () => {
    const bytes = b64(V.token.text);
    const v = decodeVerifiablePayload(bytes);
    expect(createHmac("sha1", V.token.secret).update(v.payload).digest().equals(v.digest)).toBe(true);
    const t = decodeLegacyToken(v.payload);
    expect(t).toEqual({ validFrom: V.token.validFrom, validTo: V.token.validTo, username: V.token.username });
    expect(encodeVerifiablePayload({ digest: v.digest, payload: encodeLegacyToken(t) }).toString("base64url")).toBe(V.token.text);
  });

  it("legacy challenge", () => {
    const bytes = b64(V.challenge.text);
    const v = decodeVerifiablePayload(bytes);
    expect(createHmac("sha1", V.challenge.secret).update(v.payload).digest().equals(v.digest)).toBe(true);
    const c = decodeLegacyChallenge(v.payload);
    expect(c.uniqueData.toString("hex")).toBe(V.challenge.uniqueDataHex);
    expect(c.fingerprint.toString("hex")).toBe(V.challenge.fingerprintHex);
    expect(c).toMatchObject({
      validFrom: V.challenge.validFrom,
      validTo: V.challenge.validTo,
      serverName: V.challenge.serverName,
      username: V.challenge.username,
    });
    expect(encodeVerifiablePayload({ digest: v.digest, payload: encodeLegacyChallenge(c) }).toString("base64url")).toBe(V.challenge.text);
  });

  it("legacy response (upstream protocol_test.py)", () => {
    const r = decodeLegacyResponse(b64(V.response.text));
    expect(r.signature).toHaveLength(256);
    const c = decodeLegacyChallenge(r.payload);
    expect(c).toMatchObject({
      serverName: V.response.serverName,
      username: V.response.username,
      validFrom: V.response.validFrom,
      validTo: V.response.validTo,
    });
    expect(encodeLegacyResponse(r).toString("base64url")).toBe(V.response.text);
  });

  it("upstream's token serialisation test", () => {
    const t = { validFrom: 1365084334, validTo: 1365084634, username: "noa" };
    expect(encodeLegacyToken(t).toString("hex")).toBe("74000000515d88ae515d89da000000036e6f6100");
    expect(decodeLegacyToken(hex("74000000515d8b17515d8b550000000474657374"))).toMatchObject({ username: "test" });
  });
});

describe.each([
  ["verifiable payload", () => b64(V.challenge.text), (b: Buffer) => decodeVerifiablePayload(b)],
  ["challenge payload", () => decodeVerifiablePayload(b64(V.challenge.text)).payload, (b: Buffer) => decodeLegacyChallenge(b)],
  ["response", () => b64(V.response.text), (b: Buffer) => decodeLegacyResponse(b)],
  ["token payload", () => decodeVerifiablePayload(b64(V.token.text)).payload, (b: Buffer) => decodeLegacyToken(b)],
] as const)("hostile v0 %s", (_name, good, decode) => {
  it("every truncation is malformed_token", () => {
    const bytes = good();
    for (let n = 0; n < bytes.length; n++) expectAuthError(() => decode(bytes.subarray(0, n)), "malformed_token");
  });

  it("trailing bytes, wrong magic and non-zero magic padding are malformed_token", () => {
    expectAuthError(() => decode(Buffer.concat([good(), hex("00000000")])), "malformed_token");
    const magic = Buffer.from(good());
    magic[0] = 0x01;
    expectAuthError(() => decode(magic), "malformed_token");
    const pad = Buffer.from(good());
    pad[1] = 0x01;
    expectAuthError(() => decode(pad), "malformed_token");
  });

  it("huge length prefixes and single-byte corruptions throw only AuthError", () => {
    expectOnlyAuthErrorsPerByte(good(), [0x00, 0x01, 0x7f, 0xff], decode);
  });
});

describe("v0 field checks", () => {
  const fields = {
    uniqueData: Buffer.alloc(20),
    validFrom: 10,
    validTo: 20,
    fingerprint: Buffer.alloc(6),
    serverName: "host",
    username: "alice",
  };
  it.each([
    [{ fingerprint: Buffer.alloc(5) }, "short fingerprint"],
    [{ serverName: "" }, "empty server name"],
    [{ username: "" }, "empty username"],
    [{ validFrom: 20 }, "empty window"],
  ] as Array<[Partial<typeof fields>, string]>)("rejects %j (%s)", (o) => {
    expectAuthError(() => decodeLegacyChallenge(encodeLegacyChallenge({ ...fields, ...o })), "malformed_token");
  });

  it("rejects invalid UTF-8 in names", () => {
    const bytes = encodeLegacyChallenge({ ...fields, username: "abcd" });
    bytes[bytes.length - 1] = 0xff;
    expectAuthError(() => decodeLegacyChallenge(bytes), "malformed_token");
  });
});
