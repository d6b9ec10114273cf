import { randomBytes, type KeyObject } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { KeyFormatError, parseKeyPaste, parsePublicKey, type KeyProblemCode } from "../../strategy/keys/index.js";
import { sshMpint, sshString } from "../../strategy/keys/wire.js";
import { KeyDir } from "../support/ssh-keygen.js";
import { freshKeyPair } from "../support/fresh-keys.js";

const keys = new KeyDir();
afterAll(() => keys.cleanup());

const ed = (freshKeyPair("ed25519").publicKey.export({ format: "jwk" }).x ?? "") as string;
const edPoint = Buffer.from(ed, "base64url");
const line = (type: string, blob: Buffer, comment = "c") => `${type} ${blob.toString("base64")} ${comment}`;
const blob = (...parts: Buffer[]) => Buffer.concat(parts);
const edBlob = blob(sshString("ssh-ed25519"), sshString(edPoint));
const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n);
  return b;
};
const ecJwk = freshKeyPair("ec", { namedCurve: "P-256" }).publicKey.export({ format: "jwk" });
const ecPoint = Buffer.concat([Buffer.from([4]), Buffer.from(ecJwk.x ?? "", "base64url"), Buffer.from(ecJwk.y ?? "", "base64url")]);
const rsaJwk = freshKeyPair("rsa", { modulusLength: 2048 }).publicKey.export({ format: "jwk" });
const rsaN = Buffer.from(rsaJwk.n ?? "", "base64url");
const e65537 = Buffer.from([1, 0, 1]);

const ecBlob = () => blob(sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(ecPoint));

/** Flips a padding bit: decodes to the same bytes, but is not canonical base64. */
function nonCanonical(b64: string): string {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  const at = b64.indexOf("=") - 1;
  if (at < 0) throw new Error("test input needs padding");
  return b64.slice(0, at) + alphabet[alphabet.indexOf(b64[at] ?? "") + 1] + b64.slice(at + 1);
}

const hugeRsaN = (() => {
  const n = randomBytes(2200);
  n[0] = 0xff;
  n[n.length - 1] = (n[n.length - 1] ?? 0) | 1;
  return n;
})();

const cases: Array<[string, () => string, KeyProblemCode]> = [
  ["empty", () => "", "empty"],
  ["whitespace only", () => " \t\r\n \n", "empty"],
  ["comments only", () => "# just a comment\n#another", "empty"],
  ["ssh-rsa alone", () => "ssh-rsa", "malformed_key"],
  ["type and comment but base64 missing", () => "ssh-ed25519  ", "malformed_key"],
  ["bad base64 characters", () => "ssh-ed25519 AAAAC3Nz*C1lZDI1NTE5 c", "malformed_base64"],
  ["base64 with wrong length", () => `ssh-ed25519 ${edBlob.toString("base64").slice(0, -3)}`, "malformed_base64"],
  [
    "base64 without padding",
    () => `ecdsa-sha2-nistp256 ${blob(sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(ecPoint)).toString("base64").replace(/=+$/, "")}`,
    "malformed_base64",
  ],
  ["non-canonical base64 padding bits", () => `ecdsa-sha2-nistp256 ${nonCanonical(ecBlob().toString("base64"))}`, "malformed_base64"],
  ["base64url alphabet", () => `ssh-ed25519 ${edBlob.toString("base64").replace(/\+/g, "-").replace(/\//g, "_")}x`, "malformed_base64"],
  ["truncated blob", () => line("ssh-ed25519", edBlob.subarray(0, 30)), "malformed_key"],
  ["blob length field larger than the data", () => line("ssh-ed25519", blob(sshString("ssh-ed25519"), u32(1000), edPoint)), "malformed_key"],
  ["huge length prefix", () => line("ssh-ed25519", blob(u32(0xffffffff), Buffer.from("ssh-ed25519"))), "malformed_key"],
  ["huge length prefix on key type only", () => `ssh-ed25519 ${u32(0x7fffffff).toString("base64")}`, "malformed_key"],
  ["trailing bytes after the key", () => line("ssh-ed25519", blob(edBlob, Buffer.from([0]))), "malformed_key"],
  ["type mismatch line vs blob", () => line("ssh-rsa", edBlob), "malformed_key"],
  ["ed25519 key of 31 bytes", () => line("ssh-ed25519", blob(sshString("ssh-ed25519"), sshString(edPoint.subarray(1)))), "malformed_key"],
  [
    "ecdsa curve name disagrees with type",
    () => line("ecdsa-sha2-nistp256", blob(sshString("ecdsa-sha2-nistp256"), sshString("nistp384"), sshString(ecPoint))),
    "malformed_key",
  ],
  [
    "ecdsa point not on the curve",
    () =>
      line(
        "ecdsa-sha2-nistp256",
        blob(sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]))),
      ),
    "malformed_key",
  ],
  [
    "ecdsa compressed point",
    () =>
      line(
        "ecdsa-sha2-nistp256",
        blob(sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(Buffer.concat([Buffer.from([2]), ecPoint.subarray(1, 33)]))),
      ),
    "malformed_key",
  ],
  ["rsa negative modulus", () => line("ssh-rsa", blob(sshString("ssh-rsa"), sshMpint(e65537), sshString(rsaN))), "malformed_key"],
  ["rsa non-minimal mpint", () => line("ssh-rsa", blob(sshString("ssh-rsa"), sshString(Buffer.from([0, 1, 0, 1])), sshMpint(rsaN))), "malformed_key"],
  ["rsa even exponent", () => line("ssh-rsa", blob(sshString("ssh-rsa"), sshMpint(Buffer.from([1, 0, 0])), sshMpint(rsaN))), "malformed_key"],
  ["rsa exponent 1", () => line("ssh-rsa", blob(sshString("ssh-rsa"), sshMpint(Buffer.from([1])), sshMpint(rsaN))), "malformed_key"],
  ["rsa exponent of 72 bits", () => line("ssh-rsa", blob(sshString("ssh-rsa"), sshMpint(Buffer.alloc(9, 0x11)), sshMpint(rsaN))), "malformed_key"],
  ["rsa modulus over 16384 bits", () => line("ssh-rsa", blob(sshString("ssh-rsa"), sshMpint(e65537), sshMpint(hugeRsaN))), "too_large"],
  ["key type that is an Object.prototype name", () => line("toString", blob(sshString("toString"), sshString(edPoint))), "unsupported_type"],
  ["__proto__ as key type", () => line("__proto__", blob(sshString("__proto__"), sshString(edPoint))), "malformed_key"],
  ["non-printable type name inside blob", () => line("ssh-ed25519", blob(sshString(Buffer.from([1, 2, 3])), sshString(edPoint))), "malformed_key"],
  ["1 MB input", () => "A".repeat(1024 * 1024), "too_large"],
  ["17 KiB comment", () => `${line("ssh-ed25519", edBlob, "x".repeat(17 * 1024))}`, "too_large"],
  ["NUL byte in comment", () => line("ssh-ed25519", edBlob, "me\u0000evil"), "malformed_key"],
  ["NUL byte in base64", () => `ssh-ed25519 AAAA\u0000${edBlob.toString("base64")}`, "malformed_key"],
  ["ESC sequence in comment", () => line("ssh-ed25519", edBlob, "\u001b[31mred"), "malformed_key"],
  ["unicode in base64", () => `ssh-ed25519 ${edBlob.toString("base64").slice(0, 20)}é${edBlob.toString("base64").slice(21)}`, "malformed_base64"],
  ["unicode in key type", () => `ssh-ëd25519 ${edBlob.toString("base64")}`, "malformed_key"],
  ["non-breaking space as separator", () => `ssh-ed25519\u00a0${edBlob.toString("base64")}`, "malformed_key"],
  ["fullwidth letters", () => "ｓｓｈ-ｅｄ２５５１９ AAAA", "malformed_key"],
  ["two keys where one is expected", () => `${line("ssh-ed25519", edBlob)}\n${line("ssh-ed25519", edBlob)}`, "malformed_key"],
  ["just base64, no type", () => edBlob.toString("base64"), "malformed_key"],
  ["random words", () => "hello world", "malformed_key"],
  ["authorized_keys unterminated quote", () => `command="echo ${line("ssh-ed25519", edBlob)}`, "malformed_key"],
  ["authorized_keys unquoted value", () => `command=ls ${line("ssh-ed25519", edBlob)}`, "malformed_key"],
  ["authorized_keys options and no key", () => "no-pty,restrict", "malformed_key"],
  ["authorized_keys cert-authority", () => `cert-authority ${line("ssh-ed25519", edBlob)}`, "unsupported_type"],
  [
    "certificate type",
    () => line("ssh-ed25519-cert-v01@openssh.com", blob(sshString("ssh-ed25519-cert-v01@openssh.com"), sshString(randomBytes(32)), sshString(edPoint))),
    "unsupported_type",
  ],
  // Security keys: sk-* types are accepted (test/keys/sk-keys.test.ts), these never.
  [
    "sk-ssh-ed25519 without application",
    () => line("sk-ssh-ed25519@openssh.com", blob(sshString("sk-ssh-ed25519@openssh.com"), sshString(edPoint))),
    "malformed_key",
  ],
  [
    "sk-ecdsa with a non-UTF-8 application",
    () =>
      line(
        "sk-ecdsa-sha2-nistp256@openssh.com",
        blob(sshString("sk-ecdsa-sha2-nistp256@openssh.com"), sshString("nistp256"), sshString(ecPoint), sshString(Buffer.from([0x73, 0xff]))),
      ),
    "malformed_key",
  ],
  [
    "sk-ssh-ed25519 certificate",
    () => line("sk-ssh-ed25519-cert-v01@openssh.com", blob(sshString("sk-ssh-ed25519-cert-v01@openssh.com"), sshString(randomBytes(32)))),
    "unsupported_type",
  ],
  [
    "sk-* type that does not exist",
    () => line("sk-ssh-ed448@openssh.com", blob(sshString("sk-ssh-ed448@openssh.com"), sshString(randomBytes(57)))),
    "unsupported_type",
  ],
  ["ssh-ed448", () => line("ssh-ed448", blob(sshString("ssh-ed448"), sshString(randomBytes(57)))), "unsupported_type"],
  [
    "ecdsa on an unknown curve",
    () => line("ecdsa-sha2-nistp192", blob(sshString("ecdsa-sha2-nistp192"), sshString("nistp192"), sshString(randomBytes(49)))),
    "unsupported_curve",
  ],
  ["ssh-dss", () => line("ssh-dss", blob(sshString("ssh-dss"), sshMpint(randomBytes(128)))), "dsa_not_allowed"],
  ["PEM with bad base64", () => "-----BEGIN PUBLIC KEY-----\nMCowBQYDK2VwAyEA!!!!\n-----END PUBLIC KEY-----", "malformed_base64"],
  ["PEM without END", () => `-----BEGIN PUBLIC KEY-----\n${spki(freshKeyPair("ed25519").publicKey)}`, "malformed_key"],
  [
    "PEM with trailing DER bytes",
    () => pem("PUBLIC KEY", Buffer.concat([freshKeyPair("ed25519").publicKey.export({ format: "der", type: "spki" }), Buffer.from([0, 0])])),
    "malformed_key",
  ],
  ["PEM that is not DER", () => pem("PUBLIC KEY", randomBytes(60)), "malformed_key"],
  [
    "PEM label mismatch (RSA key as PKCS#1 holding SPKI)",
    () => pem("RSA PUBLIC KEY", freshKeyPair("ed25519").publicKey.export({ format: "der", type: "spki" })),
    "malformed_key",
  ],
  ["PEM with headers", () => `-----BEGIN PUBLIC KEY-----\nComment: x\n${spki(freshKeyPair("ed25519").publicKey)}-----END PUBLIC KEY-----`, "malformed_key"],
  [
    "PEM SPKI on secp256k1",
    () => String(freshKeyPair("ec", { namedCurve: "secp256k1" }).publicKey.export({ format: "pem", type: "spki" })),
    "unsupported_curve",
  ],
  ["PEM SPKI Ed448", () => String(freshKeyPair("ed448").publicKey.export({ format: "pem", type: "spki" })), "unsupported_type"],
  ["PEM SPKI X25519", () => String(freshKeyPair("x25519").publicKey.export({ format: "pem", type: "spki" })), "unsupported_type"],
  ["PEM SPKI RSA-PSS", () => String(freshKeyPair("rsa-pss", { modulusLength: 2048 }).publicKey.export({ format: "pem", type: "spki" })), "unsupported_type"],
  ["PEM SPKI RSA 1024", () => String(freshKeyPair("rsa", { modulusLength: 1024 }).publicKey.export({ format: "pem", type: "spki" })), "rsa_too_short"],
  ["X.509 certificate PEM", () => pem("CERTIFICATE", randomBytes(30)), "unsupported_type"],
  ["unknown PEM label", () => pem("SOMETHING ELSE", randomBytes(30)), "malformed_key"],
  ["RFC 4716 without END", () => `---- BEGIN SSH2 PUBLIC KEY ----\n${edBlob.toString("base64")}`, "malformed_key"],
  ["RFC 4716 with bad base64", () => "---- BEGIN SSH2 PUBLIC KEY ----\nAAAA*\n---- END SSH2 PUBLIC KEY ----", "malformed_base64"],
];

function spki(key: KeyObject): string {
  return (
    String(key.export({ format: "pem", type: "spki" }))
      .split("\n")
      .slice(1, -2)
      .join("\n") + "\n"
  );
}
function pem(label: string, der: Buffer): string {
  return `-----BEGIN ${label}-----\n${der.toString("base64").replace(/.{1,64}/g, "$&\n")}-----END ${label}-----\n`;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("hostile input to parsePublicKey", () => {
  it.each(cases.map(([name, make, code]) => [name, code, make] as const))("%s → %s", (_name, code, make) => {
    const error = thrown(() => parsePublicKey(make()));
    expect(error).toBeInstanceOf(KeyFormatError);
    expect((error as KeyFormatError).code).toBe(code);
  });

  it("the same inputs never throw from parseKeyPaste", () => {
    for (const [name, make, code] of cases) {
      const entries = parseKeyPaste(make());
      if (code === "empty") expect(entries, name).toEqual([]);
      else if (name === "two keys where one is expected")
        expect(
          entries.filter((e) => e.ok),
          name,
        ).toHaveLength(2);
      else if (name !== "1 MB input")
        expect(
          entries.some((e) => !e.ok && e.problem.code === code),
          name,
        ).toBe(true);
      else expect(entries, name).toEqual([{ ok: false, problem: expect.objectContaining({ code: "too_large" }), source: { line: 1 } }]);
    }
  });

  it("programmer errors are TypeErrors", () => {
    expect(() => parsePublicKey(undefined as unknown as string)).toThrow(TypeError);
    expect(() => parsePublicKey(Buffer.from("ssh-rsa") as unknown as string)).toThrow(TypeError);
  });
});

describe("private keys are refused and never echoed", () => {
  const privateKeys: Record<string, () => string> = {};
  beforeAll(() => {
    keys.sshKeygen("openssh", "ed25519");
    keys.sshKeygen("rsa-pem", "rsa", ["-b", "2048", "-m", "PEM"]);
    keys.sshKeygen("ec-pem", "ecdsa", ["-m", "PEM"]);
    keys.sshKeygen("dsa-pem", "dsa", ["-m", "PEM"]);
    keys.run("ssh-keygen", ["-q", "-t", "rsa", "-b", "2048", "-m", "PEM", "-N", "secret", "-f", keys.path("rsa-pem-enc")]);
    keys.run("ssh-keygen", ["-q", "-t", "ed25519", "-N", "secret", "-f", keys.path("openssh-enc")]);
    keys.run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", keys.path("pkcs8")]);
    keys.run("openssl", ["genpkey", "-algorithm", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-aes256", "-pass", "pass:x", "-out", keys.path("pkcs8-enc")]);
    for (const name of ["openssh", "openssh-enc", "rsa-pem", "rsa-pem-enc", "ec-pem", "dsa-pem", "pkcs8", "pkcs8-enc"]) {
      privateKeys[name] = () => keys.read(name);
    }
    // PuTTY and SSH.com formats: puttygen is not installed, so hand-written files of the same shape.
    const b = (n: number) => randomBytes(n).toString("base64");
    privateKeys.putty = () =>
      [
        "PuTTY-User-Key-File-3: ssh-ed25519",
        "Encryption: none",
        "Comment: me@host",
        "Public-Lines: 2",
        b(30),
        b(21),
        "Private-Lines: 1",
        b(36),
        `Private-MAC: ${randomBytes(32).toString("hex")}`,
      ].join("\r\n");
    privateKeys.ssh2 = () =>
      ["---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----", 'Comment: "rsa-key-20240101"', b(48), b(48), "---- END SSH2 ENCRYPTED PRIVATE KEY ----"].join("\n");
    privateKeys["openssh without armor"] = () => keys.read("openssh").split("\n").slice(1, -2).join("\n");
    privateKeys["private key on one line"] = () => keys.read("openssh").replace(/\n/g, " ");
    privateKeys["private key after a public key"] = () => `${keys.read("openssh-enc.pub")}\n${keys.read("openssh")}`;
  });

  const names = [
    "openssh",
    "openssh-enc",
    "rsa-pem",
    "rsa-pem-enc",
    "ec-pem",
    "dsa-pem",
    "pkcs8",
    "pkcs8-enc",
    "putty",
    "ssh2",
    "openssh without armor",
    "private key on one line",
    "private key after a public key",
  ];

  it.each(names)("%s", (name) => {
    const text = privateKeys[name]!();
    const secretLines = text
      .replace(/^ssh-ed25519 .*$/m, "")
      .split(/\r?\n| /)
      .map((l) => l.trim())
      .filter((l) => l.length >= 8 && !/\.pub|@test/.test(l));
    expect(secretLines.length).toBeGreaterThan(0);
    const error = thrown(() => parsePublicKey(text));
    expect(error).toBeInstanceOf(KeyFormatError);
    const e = error as KeyFormatError;
    expect(e.code).toBe("private_key");
    expect(e.message).toMatch(/private key/i);
    expect(e.message).toMatch(/not stored/);
    expect(e.cause).toBeUndefined();
    expect(e.detail).toBeUndefined();
    const everything = [e.message, String(e.stack), JSON.stringify(e), JSON.stringify(parseKeyPaste(text))].join("\n");
    for (const secret of secretLines) expect(everything).not.toContain(secret);
  });

  it("the error class drops cause and detail for private_key even if given", () => {
    const e = new KeyFormatError("private_key", "x", { cause: new Error("-----BEGIN"), detail: { text: "secret" } });
    expect(e.cause).toBeUndefined();
    expect(e.detail).toBeUndefined();
  });
});
