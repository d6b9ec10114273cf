import { describe, expect, it } from "vitest";
import { AuthError } from "../../../strategy/errors.js";
import { decodeBase64UrlStrict } from "../../../strategy/schemes/sshauth/base64.js";
import { decodeSshauthToken, encodeSshauthToken, MAX_TOKEN_LENGTH, tokenParts } from "../../../strategy/schemes/sshauth/token-codec.js";
import { verifySshauthToken } from "../../../strategy/schemes/sshauth/verify.js";
import { publicKeyFile, VECTORS } from "./fixtures.js";

const b64 = (hex: string) => Buffer.from(hex, "hex").toString("base64url");

/** Decode must either succeed or throw AuthError with one of these codes — nothing else. */
function decodeOutcome(text: string): "ok" | "malformed_token" | "unsupported_version" {
  try {
    decodeSshauthToken(text);
    return "ok";
  } catch (err) {
    if (!(err instanceof AuthError)) throw new Error(`non-AuthError for ${JSON.stringify(text)}: ${String(err)}`);
    if (err.code !== "malformed_token" && err.code !== "unsupported_version") throw new Error(`code ${err.code}`);
    return err.code;
  }
}

describe("strict base64url (rust-base64 0.13 URL_SAFE_NO_PAD)", () => {
  const cases: [string, string | null][] = [
    ["", ""],
    ["AA", "00"],
    ["AAA", "0000"],
    ["AAAA", "000000"],
    ["_-8", "ffef"],
    ["AA==", "00"],
    ["AA=", "00"],
    ["AAA=", "0000"],
    ["AAAAAA=", "00000000"],
    ["A", null], // 6 bits
    ["AAAAA", null],
    ["AAAA=", null],
    ["AAAA==", null],
    ["A==", null],
    ["AAA==", null],
    ["AA===", null],
    ["A=A", null],
    ["AA=A", null],
    ["=AA", null],
    ["AB", null], // non-zero trailing bits
    ["AAB", null],
    ["AB==", null],
    ["A+", null],
    ["A/", null],
    ["AA AA", null],
    ["AAAA\n", null],
    [" AAAA", null],
    ["AAAA\t", null],
    ["AA.A", null],
    ["AÅAA", null],
    ["AA%3D", null],
  ];
  for (const [text, hex] of cases) {
    it(`${JSON.stringify(text)} → ${hex ?? "refused"}`, () => {
      const out = decodeBase64UrlStrict(text);
      expect(out === null ? null : out.toString("hex")).toBe(hex);
    });
  }

  it("a partial last quad is accepted exactly when it is canonical (re-encodes to itself), for every 2- and 3-character tail", () => {
    const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let accepted = 0;
    for (const a of alphabet)
      for (const b of alphabet) {
        for (const text of [`${a}${b}`, `QUJD${a}${b}`, `Q${a}${b}`]) {
          const canonical = Buffer.from(text, "base64url").toString("base64url") === text;
          const out = decodeBase64UrlStrict(text);
          expect(out !== null, text).toBe(canonical);
          if (out !== null) {
            accepted++;
            expect(out.equals(Buffer.from(text, "base64url"))).toBe(true);
          }
        }
      }
    // 4 of 64 last characters end a 2-character tail, 16 of 64 a 3-character one.
    expect(accepted).toBe(2 * 64 * 4 + 64 * 16);
  });
});

describe("token decoder is total", () => {
  const sample = VECTORS[0]!;
  const raw = Buffer.from(sample.raw_token_hex, "hex");

  it("every strict prefix of every vector's bytes is malformed_token", () => {
    for (const v of VECTORS) {
      const bytes = Buffer.from(v.raw_token_hex, "hex");
      for (let n = 0; n < bytes.length; n++) {
        expect(decodeOutcome(bytes.subarray(0, n).toString("base64url")), `${v.id} prefix ${n}`).toBe("malformed_token");
      }
    }
  });

  it("every truncation of the token text fails cleanly", () => {
    for (let n = 0; n < sample.token.length; n++) {
      expect(decodeOutcome(sample.token.slice(0, n))).not.toBe("ok");
    }
  });

  it("every single-bit flip either fails to decode or fails to verify, always with AuthError", async () => {
    for (const v of VECTORS) {
      const key = publicKeyFile(v.public_key);
      const bytes = Buffer.from(v.raw_token_hex, "hex");
      for (let bit = 0; bit < bytes.length * 8; bit++) {
        const flipped = Buffer.from(bytes);
        flipped[bit >> 3]! ^= 1 << (bit & 7);
        const text = flipped.toString("base64url");
        try {
          await verifySshauthToken(text, { candidates: [key], magic: v.magic_prefix, actions: v.actions, now: v.time });
          throw new Error(`${v.id}: bit ${bit} flipped still verifies`);
        } catch (err) {
          expect(err, `${v.id} bit ${bit}`).toBeInstanceOf(AuthError);
        }
      }
    }
  });

  it("junk text is malformed_token", () => {
    const junk = [
      "",
      " ",
      "Bearer x",
      "a.b.c",
      "eyJhbGciOiJFZERTQSJ9.e30.sig",
      "%%%%",
      "\u0000\u0000",
      "😀😀😀😀",
      "AAAA AAAA",
      sample.token + "\n",
      " " + sample.token,
      sample.token.replace(/-/g, "+").replace(/_/g, "/"),
    ];
    for (const text of junk) expect(decodeOutcome(text), JSON.stringify(text)).toBe("malformed_token");
  });

  it("oversized input is refused before decoding", () => {
    const big = "A".repeat(MAX_TOKEN_LENGTH + 1);
    try {
      decodeSshauthToken(big);
      throw new Error("accepted");
    } catch (err) {
      expect((err as AuthError).code).toBe("malformed_token");
      expect((err as AuthError).detail).toMatchObject({ reason: "too long" });
    }
    // A token exactly at the limit is decoded normally (trailing bytes are ignored).
    const padded = Buffer.concat([raw, Buffer.alloc(MAX_TOKEN_LENGTH)])
      .toString("base64url")
      .slice(0, MAX_TOKEN_LENGTH);
    expect(padded.length).toBe(MAX_TOKEN_LENGTH);
    expect(decodeOutcome(padded)).toBe("ok");
  });

  it("non-string input is malformed_token, not a TypeError", () => {
    for (const value of [undefined, null, 42, {}, Buffer.from(sample.token)]) {
      expect(decodeOutcome(value as unknown as string)).toBe("malformed_token");
    }
  });

  const tsAndSig = "80e2cfaa06" + "01" + "40" + "11".repeat(64); // timestamp, Ed25519, 64-byte sig
  const table: [string, string, "ok" | "malformed_token" | "unsupported_version"][] = [
    ["minimal fingerprint-less, identity-less token", "00" + "00" + "00" + tsAndSig, "ok"],
    ["Token variant 1", "01" + "00" + "00" + tsAndSig, "unsupported_version"],
    ["Token variant 0x7f", "7f" + "00" + "00" + tsAndSig, "unsupported_version"],
    ["Token variant as non-minimal varint 0", "8000" + "00" + "00" + tsAndSig, "ok"],
    ["Token variant u32 varint too long", "8080808080" + "00" + "00" + tsAndSig, "malformed_token"],
    ["Token variant u32 overflow in last byte", "80808080" + "10" + "00" + tsAndSig, "malformed_token"],
    ["Token variant max u32 (valid varint, unknown variant)", "ffffffff0f" + "00" + "00" + tsAndSig, "unsupported_version"],
    ["identity option tag 2", "00" + "02" + "00" + tsAndSig, "malformed_token"],
    ["fingerprint option tag ff", "00" + "00" + "ff" + tsAndSig, "malformed_token"],
    ["identity kind 1", "00" + "0101" + "02" + "6162" + "00" + tsAndSig, "malformed_token"],
    ["identity 'ab'", "00" + "0100" + "02" + "6162" + "00" + tsAndSig, "ok"],
    ["identity 'a' (too short)", "00" + "0100" + "01" + "61" + "00" + tsAndSig, "malformed_token"],
    ["identity '' (empty)", "00" + "0100" + "00" + "00" + tsAndSig, "malformed_token"],
    ["identity 'a/'", "00" + "0100" + "02" + "612f" + "00" + tsAndSig, "malformed_token"],
    ["identity 'a.'", "00" + "0100" + "02" + "612e" + "00" + tsAndSig, "malformed_token"],
    ["identity with NUL", "00" + "0100" + "03" + "616200" + "00" + tsAndSig, "malformed_token"],
    ["identity 'é' (non-ASCII letter)", "00" + "0100" + "03" + "61c3a9" + "00" + tsAndSig, "malformed_token"],
    ["identity invalid UTF-8", "00" + "0100" + "02" + "61ff" + "00" + tsAndSig, "malformed_token"],
    ["identity overlong UTF-8", "00" + "0100" + "03" + "61c0af" + "00" + tsAndSig, "malformed_token"],
    ["identity length runs past the end", "00" + "0100" + "7f" + "6162", "malformed_token"],
    ["identity length huge varint", "00" + "0100" + "ffffffffffffffffff01" + "6162" + "00" + tsAndSig, "malformed_token"],
    ["identity length varint 11 bytes", "00" + "0100" + "8080808080808080808000", "malformed_token"],
    ["fingerprint kind 1", "00" + "00" + "0101" + "11".repeat(32) + tsAndSig, "malformed_token"],
    ["fingerprint 31 bytes then end", "00" + "00" + "0100" + "11".repeat(31), "malformed_token"],
    ["timestamp max u64", "00" + "00" + "00" + "ffffffffffffffffff01" + "01" + "40" + "11".repeat(64), "ok"],
    ["timestamp u64 overflow (last byte 02)", "00" + "00" + "00" + "ffffffffffffffffff02" + "01" + "40" + "11".repeat(64), "malformed_token"],
    ["timestamp 11-byte varint", "00" + "00" + "00" + "ffffffffffffffffff8100" + "01" + "40" + "11".repeat(64), "malformed_token"],
    ["timestamp non-minimal", "00" + "00" + "00" + "80e2cfaa8600" + "01" + "40" + "11".repeat(64), "ok"],
    ["algorithm 2", "00" + "00" + "00" + "80e2cfaa06" + "02" + "40" + "11".repeat(64), "malformed_token"],
    ["algorithm huge", "00" + "00" + "00" + "80e2cfaa06" + "ffffffff0f" + "40" + "11".repeat(64), "malformed_token"],
    ["signature length past end", "00" + "00" + "00" + "80e2cfaa06" + "01" + "41" + "11".repeat(64), "malformed_token"],
    ["signature length missing", "00" + "00" + "00" + "80e2cfaa06" + "01", "malformed_token"],
    ["empty signature (decodes; refused at verify)", "00" + "00" + "00" + "80e2cfaa06" + "01" + "00", "ok"],
    ["trailing bytes ignored", "00" + "00" + "00" + tsAndSig + "deadbeef", "ok"],
  ];
  for (const [name, hex, expected] of table) {
    it(`${name} → ${expected}`, () => {
      expect(decodeOutcome(b64(hex))).toBe(expected);
    });
  }

  it("non-minimal varints decode to the same fields and re-encode canonically", () => {
    const canonical = b64("00" + "00" + "00" + tsAndSig);
    const sloppy = b64("8000" + "00" + "00" + "80e2cfaa8600" + "8100" + "c000" + "11".repeat(64));
    const a = tokenParts(decodeSshauthToken(canonical));
    const b = tokenParts(decodeSshauthToken(sloppy));
    expect(b).toEqual(a);
    expect(encodeSshauthToken(b)).toBe(canonical);
  });

  it("timestamps either side of 2^49, 2^53 and 2^64 decode exactly and re-encode canonically", () => {
    const varintHex = (value: bigint) => {
      const out: number[] = [];
      for (let v = value; ; v >>= 7n) {
        if (v < 0x80n) {
          out.push(Number(v));
          return Buffer.from(out).toString("hex");
        }
        out.push(Number(v & 0x7fn) | 0x80);
      }
    };
    const values = [2n ** 49n - 1n, 2n ** 49n, 2n ** 53n - 1n, 2n ** 53n, 2n ** 53n + 1n, 2n ** 63n + 12345n, 2n ** 64n - 1n];
    for (const timestamp of values) {
      const text = b64("00" + "00" + "00" + varintHex(timestamp) + "01" + "40" + "11".repeat(64));
      const parts = tokenParts(decodeSshauthToken(text));
      expect(parts.signed.timestamp).toBe(timestamp);
      expect(encodeSshauthToken(parts)).toBe(text);
    }
    // Non-minimal, eight bytes and more, of small values: the same fields as the minimal form.
    const sloppy = tokenParts(decodeSshauthToken(b64("00" + "00" + "00" + "8180808080808000" + "01" + "40" + "11".repeat(64))));
    expect(sloppy.signed.timestamp).toBe(1n);
    const sloppyLength = tokenParts(decodeSshauthToken(b64("00" + "0100" + "82808080808080808000" + "6162" + "00" + tsAndSig)));
    expect(sloppyLength.signed.identity).toBe("ab");
  });

  it("decodes upstream's recorded sample tokens (token.rs, fake ECDSA signature)", () => {
    const fakeSig =
      "00000000a0356b299692f96fecb021e627b7f48cf75492fa533eb7ff6d4ea39c1ed1defa00000000" + "72deb47df4280a193dd0b6677744e45cb6473759cd5f8293c0cd03d81e59f7b4ff";
    const samples = [
      {
        token: "AAAAgMDg6AYASQAAAACgNWsplpL5b-ywIeYnt_SM91SS-lM-t_9tTqOcHtHe-gAAAABy3rR99CgKGT3Qtmd3RORctkc3Wc1fgpPAzQPYHln3tP8",
        identity: null,
        fingerprint: null,
        timestamp: 1830297600n,
      },
      {
        token: "AAEADGFib3V0LXR3ZWx2ZQCAwODoBgBJAAAAAKA1aymWkvlv7LAh5ie39Iz3VJL6Uz63_21Oo5we0d76AAAAAHLetH30KAoZPdC2Z3dE5Fy2RzdZzV-Ck8DNA9geWfe0_w",
        identity: "about-twelve",
        fingerprint: null,
        timestamp: 1830297600n,
      },
      {
        token:
          "AAEACm1yc3RlcGhlbnMBAGf7Dr8HaCFZ-BeH4JRadUBwbNuJVIch99GY-5eOfnusqp2vrgYASQAAAACgNWsplpL5b-ywIeYnt_SM91SS-lM-t_9tTqOcHtHe-gAAAABy3rR99CgKGT3Qtmd3RORctkc3Wc1fgpPAzQPYHln3tP8",
        identity: "mrstephens",
        fingerprint: "67fb0ebf07682159f81787e0945a7540706cdb89548721f7d198fb978e7e7bac",
        timestamp: 1707855530n,
      },
    ];
    for (const s of samples) {
      const t = decodeSshauthToken(s.token);
      const parts = tokenParts(t);
      expect(t.untrustedIdentity).toBe(s.identity);
      expect(parts.signed.fingerprint?.toString("hex") ?? null).toBe(s.fingerprint);
      expect(parts.signed.timestamp).toBe(s.timestamp);
      expect(parts.algorithm).toBe("ecdsa-sha2-nistp256");
      expect(parts.signatureData.toString("hex")).toBe(fakeSig);
      expect(encodeSshauthToken(parts)).toBe(s.token);
    }
  });

  it("the untrusted accessors are the only readable fields", () => {
    const t = decodeSshauthToken(sample.token);
    expect(Object.keys(t)).toEqual([]);
    expect(JSON.stringify(t)).toBe("{}");
  });
});
