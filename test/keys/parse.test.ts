import { createPrivateKey, createSecretKey, KeyObject, sign, verify } from "node:crypto";
import sshpk from "sshpk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  KeyFormatError,
  parsePublicKey,
  parsePublicKeyBlob,
  publicKeyFromKeyObject,
  serializePublicKey,
  type ParsedPublicKey,
} from "../../strategy/keys/index.js";
import { KeyDir } from "../support/ssh-keygen.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { freshKeyPair } from "../support/fresh-keys.js";

const keys = new KeyDir();
afterAll(() => keys.cleanup());

beforeAll(() => {
  keys.sshKeygen("rsa", "rsa", ["-b", "2048", "-m", "PEM"]);
  keys.sshKeygen("ed25519", "ed25519");
  keys.sshKeygen("ecdsa256", "ecdsa", ["-b", "256", "-m", "PEM"]);
  keys.sshKeygen("ecdsa384", "ecdsa", ["-b", "384"]);
  keys.sshKeygen("ecdsa521", "ecdsa", ["-b", "521"]);
});

function sameKey(a: ParsedPublicKey, b: ParsedPublicKey): void {
  expect(a.type).toBe(b.type);
  expect(a.openssh).toBe(b.openssh);
  expect(a.fingerprintSha256).toBe(b.fingerprintSha256);
  expect(a.fingerprintMd5).toBe(b.fingerprintMd5);
  expect(a.kid).toBe(b.kid);
  expect(a.blob.equals(b.blob)).toBe(true);
}

describe("OpenSSH line", () => {
  it("derives every field", () => {
    const text = keys.read("ecdsa384.pub");
    const key = parsePublicKey(text);
    expect(key.type).toBe("ecdsa-sha2-nistp384");
    expect(key.curve).toBe("nistp384");
    expect(key.bits).toBe(384);
    expect(key.comment).toBe("ecdsa384@test");
    expect(key.openssh).toBe(text.split(" ").slice(0, 2).join(" "));
    expect(key.blob.equals(Buffer.from(text.split(" ")[1] ?? "", "base64"))).toBe(true);
    expect(key.keyObject).toBeInstanceOf(KeyObject);
    expect(key.keyObject.asymmetricKeyDetails?.namedCurve).toBe("secp384r1");
    expect(key.kid).toMatch(/^[0-9a-f]{64}$/);
  });

  it("accepts a line without comment and keeps comments with spaces and unicode", () => {
    const [type, data] = keys.read("ed25519.pub").split(" ");
    expect(parsePublicKey(`${type} ${data}`).comment).toBe("");
    expect(parsePublicKey(`  ${type}\t${data}   José's  laptop (work) \r\n`).comment).toBe("José's  laptop (work)");
  });

  it("gives a usable verification key", () => {
    const { privateKey, publicKey } = freshKeyPair("ed25519");
    const key = publicKeyFromKeyObject(publicKey);
    const signature = sign(null, Buffer.from("hello"), privateKey);
    expect(verify(null, Buffer.from("hello"), parsePublicKey(key.openssh).keyObject, signature)).toBe(true);
  });
});

describe("authorized_keys line", () => {
  it("skips options with quoted spaces and escaped quotes", () => {
    const plain = parsePublicKey(keys.read("ed25519.pub"));
    const line = `command="echo \\"a b\\", c",no-pty,from="1.2.3.4,10.0.0.0/8",environment="X=1 2" ${keys.read("ed25519.pub")}`;
    const key = parsePublicKey(line);
    sameKey(key, plain);
    expect(key.comment).toBe("ed25519@test");
  });

  it("accepts a lone flag option and restrict", () => {
    expect(parsePublicKey(`restrict ${keys.read("rsa.pub")}`).type).toBe("ssh-rsa");
    expect(parsePublicKey(`no-pty,no-X11-forwarding ${keys.read("ecdsa521.pub")}`).curve).toBe("nistp521");
  });
});

describe("PEM and RFC 4716 give the same key as the OpenSSH line", () => {
  it.each(["rsa", "ecdsa256", "ecdsa384", "ecdsa521"])("%s via ssh-keygen -e -m PKCS8", (name) => {
    const pem = keys.run("ssh-keygen", ["-e", "-m", "PKCS8", "-f", keys.path(`${name}.pub`)]);
    const fromPem = parsePublicKey(pem);
    sameKey(fromPem, parsePublicKey(keys.read(`${name}.pub`)));
    expect(fromPem.comment).toBe("");
  });

  it("rsa via PKCS#1 (ssh-keygen -e -m PEM)", () => {
    const pem = keys.run("ssh-keygen", ["-e", "-m", "PEM", "-f", keys.path("rsa.pub")]);
    expect(pem).toContain("BEGIN RSA PUBLIC KEY");
    sameKey(parsePublicKey(pem), parsePublicKey(keys.read("rsa.pub")));
  });

  it("rsa and ecdsa via openssl from the private key", () => {
    for (const name of ["rsa", "ecdsa256"]) {
      const pem = keys.run("openssl", ["pkey", "-in", keys.path(name), "-pubout"]);
      sameKey(parsePublicKey(pem), parsePublicKey(keys.read(`${name}.pub`)));
    }
  });

  it("ed25519 via openssl, converted to OpenSSH by sshpk", () => {
    keys.run("openssl", ["genpkey", "-algorithm", "ed25519", "-out", keys.path("ossl-ed25519")]);
    const pem = keys.run("openssl", ["pkey", "-in", keys.path("ossl-ed25519"), "-pubout"]);
    const line = sshpk.parseKey(pem, "pem").toString("ssh");
    const fromPem = parsePublicKey(pem);
    sameKey(fromPem, parsePublicKey(line));
    expect(fromPem.fingerprintSha256).toBe(sshpk.parseKey(pem, "pem").fingerprint("sha256").toString());
  });

  it.each(["rsa", "ed25519", "ecdsa256", "ecdsa521"])("%s via RFC 4716 (ssh-keygen -e) keeps the Comment header", (name) => {
    const text = keys.run("ssh-keygen", ["-e", "-f", keys.path(`${name}.pub`)]);
    const key = parsePublicKey(text);
    sameKey(key, parsePublicKey(keys.read(`${name}.pub`)));
    expect(key.comment).toMatch(/converted by .* from OpenSSH/);
  });

  it("reads RFC 4716 headers with continuation lines", () => {
    const [, data] = keys.read("ed25519.pub").split(" ");
    const text = [
      "---- BEGIN SSH2 PUBLIC KEY ----",
      "x-note: first part \\",
      "second part",
      'Comment: "my key"',
      ...(data ?? "").match(/.{1,30}/g)!,
      "---- END SSH2 PUBLIC KEY ----",
    ].join("\r\n");
    expect(parsePublicKey(text).comment).toBe("my key");
  });

  it("accepts a PEM block whose newlines were lost", () => {
    const pem = keys.run("openssl", ["pkey", "-in", keys.path("rsa"), "-pubout"]);
    sameKey(parsePublicKey(pem.replace(/\n/g, " ")), parsePublicKey(keys.read("rsa.pub")));
  });
});

describe("parsePublicKeyBlob", () => {
  it("parses what an agent lists", () => {
    const fromLine = parsePublicKey(keys.read("ecdsa256.pub"));
    const key = parsePublicKeyBlob(fromLine.blob, " agent key ");
    sameKey(key, fromLine);
    expect(key.comment).toBe("agent key");
    expect(parsePublicKeyBlob(new Uint8Array(fromLine.blob)).comment).toBe("");
  });

  it("does not alias the caller's buffer", () => {
    const blob = Buffer.from(parsePublicKey(keys.read("ed25519.pub")).blob);
    const key = parsePublicKeyBlob(blob);
    blob.fill(0);
    expect(key.blob.every((b) => b === 0)).toBe(false);
  });

  it("throws TypeError for wrong argument types", () => {
    expect(() => parsePublicKeyBlob("AAAA" as unknown as Buffer)).toThrow(TypeError);
    expect(() => parsePublicKeyBlob(Buffer.alloc(4), 5 as unknown as string)).toThrow(TypeError);
    expect(() => parsePublicKeyBlob(Buffer.alloc(0))).toThrow(expect.objectContaining({ code: "empty" }));
  });
});

describe("publicKeyFromKeyObject", () => {
  it("derives the public half of each private key type", () => {
    for (const name of ["rsa", "ecdsa256"]) {
      const privateKey = createPrivateKey(keys.read(name));
      const key = publicKeyFromKeyObject(privateKey, "me");
      sameKey(key, parsePublicKey(keys.read(`${name}.pub`)));
      expect(key.comment).toBe("me");
      expect(key.keyObject.type).toBe("public");
    }
    const ed = freshKeyPair("ed25519");
    sameKey(publicKeyFromKeyObject(ed.privateKey), publicKeyFromKeyObject(ed.publicKey));
  });

  it("applies the policy", () => {
    const dsa = fixtureKeyPair("dsa2048").publicKey;
    expect(() => publicKeyFromKeyObject(dsa)).toThrow(expect.objectContaining({ code: "dsa_not_allowed", format: "key_object" }));
    const k1 = freshKeyPair("ec", { namedCurve: "secp256k1" }).publicKey;
    expect(() => publicKeyFromKeyObject(k1)).toThrow(expect.objectContaining({ code: "unsupported_curve" }));
    const ed448 = freshKeyPair("ed448").publicKey;
    expect(() => publicKeyFromKeyObject(ed448)).toThrow(expect.objectContaining({ code: "unsupported_type" }));
  });

  it("throws TypeError for non-keys and secret keys", () => {
    expect(() => publicKeyFromKeyObject({} as KeyObject)).toThrow(TypeError);
    expect(() => publicKeyFromKeyObject(createSecretKey(Buffer.alloc(16)))).toThrow(TypeError);
  });
});

describe("policy", () => {
  it("refuses DSA and short RSA with their codes", () => {
    keys.sshKeygen("dsa", "dsa");
    keys.sshKeygen("rsa1024", "rsa", ["-b", "1024"]);
    expect(() => parsePublicKey(keys.read("dsa.pub"))).toThrow(expect.objectContaining({ code: "dsa_not_allowed" }));
    let error: unknown;
    try {
      parsePublicKey(keys.read("rsa1024.pub"));
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KeyFormatError);
    expect(error).toMatchObject({ code: "rsa_too_short", format: "openssh", detail: { bits: 1024 } });
    expect((error as Error).message).toContain("1024");
    const pem = keys.run("ssh-keygen", ["-e", "-m", "PKCS8", "-f", keys.path("dsa.pub")]);
    expect(() => parsePublicKey(pem)).toThrow(expect.objectContaining({ code: "dsa_not_allowed", format: "pem_spki" }));
  });
});

describe("serializePublicKey round trips", () => {
  it.each(["rsa", "ed25519", "ecdsa256"])("%s", (name) => {
    const key = parsePublicKey(keys.read(`${name}.pub`));
    for (const format of ["openssh", "authorized_keys", "pem_spki", "rfc4716"] as const) {
      sameKey(parsePublicKey(serializePublicKey(key, format)), key);
    }
    expect(serializePublicKey(key, "openssh")).toBe(keys.read(`${name}.pub`).trim());
    if (key.type === "ssh-rsa") sameKey(parsePublicKey(serializePublicKey(key, "pem_pkcs1")), key);
    else expect(() => serializePublicKey(key, "pem_pkcs1")).toThrow(TypeError);
  });
});
