import { createPublicKey, type JsonWebKey, type KeyObject } from "node:crypto";
import { checkEd25519Point } from "./ed25519-point.js";
import { KeyFormatError, describeTypeName } from "./errors.js";
import { checkRsaBits, keyLimits, refuseType, ruleForNodeCurve, ruleForType, type KeyPolicyOptions, type KeyTypeRule } from "./policy.js";
import { checkRsaModulus } from "./rsa-modulus.js";
import type { EcCurve, SshKeyType } from "./types.js";
import { SshReader, sshMpint, sshString, type SshWireFailure, type SshWireFault } from "./wire.js";

/** A policy-checked public key in both representations. */
export interface KeyMaterial {
  type: SshKeyType;
  bits: number;
  curve: EcCurve | null;
  blob: Buffer;
  keyObject: KeyObject;
  /** The FIDO application of an sk-* key; null for plain keys. */
  application: string | null;
}

function malformed(message: string, cause?: unknown): KeyFormatError {
  return new KeyFormatError("malformed_key", message, { cause });
}

/** Wire faults in a key blob, worded for the person who pasted the key. */
const blobFaultMessages: Record<SshWireFault, string> = {
  truncated: "The key data is truncated.",
  length_overrun: "The key data is truncated (a length field is larger than the data that follows).",
  bad_name: "The key data does not start with a valid key type name.",
  negative_mpint: "The key data holds a negative number.",
  non_minimal_mpint: "The key data holds a badly encoded number.",
  trailing_bytes: "The key data has unexpected bytes after the key.",
};

const blobFailure: SshWireFailure = (fault) => malformed(blobFaultMessages[fault]);

function importJwk(jwk: JsonWebKey, what: string): KeyObject {
  try {
    return createPublicKey({ key: jwk, format: "jwk" });
  } catch (cause) {
    throw malformed(`The ${what} is not a valid public key.`, cause);
  }
}

/** The key type name a blob declares, without decoding the rest. */
export function blobTypeName(blob: Buffer): string {
  return new SshReader(blob, blobFailure).name();
}

function checkRsaExponent(e: Buffer): void {
  const last = e[e.length - 1];
  const tooSmall = e.length === 0 || (e.length === 1 && (last ?? 0) < 3);
  if (tooSmall || last === undefined || (last & 1) === 0 || e.length * 8 > keyLimits.maxRsaExponentBits) {
    throw malformed("The RSA public exponent is invalid.");
  }
}

function rsaMaterial(rule: KeyTypeRule, n: Buffer, e: Buffer, policy: KeyPolicyOptions, keyObject?: KeyObject): KeyMaterial {
  checkRsaExponent(e);
  // Bit length straight from the modulus: it bounds the size check before OpenSSL sees the key.
  const bits = (n.length - 1) * 8 + (32 - Math.clz32(n[0] ?? 0));
  checkRsaBits(bits, policy);
  checkRsaModulus(n);
  const key = keyObject ?? importJwk({ kty: "RSA", n: n.toString("base64url"), e: e.toString("base64url") }, "RSA key");
  return {
    type: rule.type,
    bits,
    curve: null,
    keyObject: key,
    blob: Buffer.concat([sshString(rule.type), sshMpint(e), sshMpint(n)]),
    application: null,
  };
}

function ed25519Material(rule: KeyTypeRule, x: Buffer, keyObject?: KeyObject): KeyMaterial {
  if (x.length !== rule.pointBytes) throw malformed("The Ed25519 public key has the wrong length.");
  checkEd25519Point(x);
  const key = keyObject ?? importJwk({ kty: "OKP", crv: "Ed25519", x: x.toString("base64url") }, "Ed25519 key");
  return { type: rule.type, bits: 256, curve: null, keyObject: key, blob: Buffer.concat([sshString(rule.type), sshString(x)]), application: null };
}

function ecdsaMaterial(rule: KeyTypeRule, point: Buffer, keyObject?: KeyObject): KeyMaterial {
  const size = rule.pointBytes ?? 0;
  // SSH only uses uncompressed points (RFC 5656 §3.1 via SEC1 0x04 || X || Y).
  if (point.length !== 1 + 2 * size || point[0] !== 0x04) throw malformed("The ECDSA public point is not a valid uncompressed point.");
  const key =
    keyObject ??
    importJwk(
      {
        kty: "EC",
        crv: rule.jwkCurve ?? "",
        x: point.subarray(1, 1 + size).toString("base64url"),
        y: point.subarray(1 + size).toString("base64url"),
      },
      "ECDSA key (the point is not on the curve)",
    );
  const blob = Buffer.concat([sshString(rule.type), sshString(rule.curve ?? ""), sshString(point)]);
  return { type: rule.type, bits: rule.bits ?? 0, curve: rule.curve, keyObject: key, blob, application: null };
}

/** OpenSSH caps it as well (ssh-sk.c refuses longer ones at enrolment); it is shown in the console. */
const maxApplicationBytes = 256;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/** The `string application` that ends an sk-* blob (PROTOCOL.u2f): UTF-8 text, shown to administrators. */
function readApplication(reader: SshReader): string {
  const raw = reader.string();
  if (raw.length === 0) throw malformed("The security key's application is empty.");
  if (raw.length > maxApplicationBytes) throw malformed(`The security key's application is longer than ${maxApplicationBytes} bytes.`);
  let text: string;
  try {
    text = strictUtf8.decode(raw);
  } catch (cause) {
    throw malformed("The security key's application is not UTF-8 text.", cause);
  }
  if (/[\u0000-\u001f\u007f]/.test(text)) throw malformed("The security key's application contains a control character.");
  return text;
}

/** Adds the application to a plain key's material, making it the sk-* key's. */
function withApplication(material: KeyMaterial, application: string): KeyMaterial {
  return { ...material, blob: Buffer.concat([material.blob, sshString(application)]), application };
}

/** Decodes an RFC 4253 public key blob, applying the key policy. */
export function materialFromBlob(blob: Buffer, policy: KeyPolicyOptions = {}): KeyMaterial {
  const reader = new SshReader(blob, blobFailure);
  const rule = ruleForType(reader.name());
  let material: KeyMaterial;
  if (rule.family === "rsa") {
    const e = reader.mpint();
    const n = reader.mpint();
    reader.end();
    material = rsaMaterial(rule, n, e, policy);
  } else if (rule.family === "ed25519") {
    const x = reader.string();
    const application = rule.securityKey ? readApplication(reader) : null;
    reader.end();
    material = ed25519Material(rule, x);
    if (application !== null) material = withApplication(material, application);
  } else {
    const curve = reader.string().toString("latin1");
    if (curve !== rule.curve) throw malformed(`The curve named inside the key disagrees with its type ${describeTypeName(rule.type)}.`);
    const point = reader.string();
    const application = rule.securityKey ? readApplication(reader) : null;
    reader.end();
    material = ecdsaMaterial(rule, point);
    if (application !== null) material = withApplication(material, application);
  }
  // Decoding is strict (minimal mpints, no trailing bytes), so re-encoding must reproduce the input.
  if (!material.blob.equals(blob)) throw malformed("The key data is not canonically encoded.");
  return material;
}

function jwkBytes(value: string | undefined): Buffer {
  if (value === undefined) throw malformed("The key could not be exported.");
  return Buffer.from(value, "base64url");
}

/** Describes a node:crypto public KeyObject in SSH terms, applying the key policy. */
export function materialFromKeyObject(key: KeyObject, policy: KeyPolicyOptions = {}): KeyMaterial {
  const kind = key.asymmetricKeyType;
  if (kind === "rsa") {
    const jwk = key.export({ format: "jwk" });
    return rsaMaterial(ruleForType("ssh-rsa"), jwkBytes(jwk.n), jwkBytes(jwk.e), policy, key);
  }
  if (kind === "ed25519") {
    return ed25519Material(ruleForType("ssh-ed25519"), jwkBytes(key.export({ format: "jwk" }).x), key);
  }
  if (kind === "ec") {
    const rule = ruleForNodeCurve(key.asymmetricKeyDetails?.namedCurve);
    const jwk = key.export({ format: "jwk" });
    const point = Buffer.concat([Buffer.from([0x04]), jwkBytes(jwk.x), jwkBytes(jwk.y)]);
    // Re-imported rather than reused: a SPKI with a compressed point would otherwise
    // export a different PEM, and so a different kid, for the same key.
    return ecdsaMaterial(rule, point);
  }
  // Name the refused kinds the way a user would recognise them.
  const names: Record<string, string> = { dsa: "ssh-dss", ed448: "ssh-ed448", "rsa-pss": "RSA-PSS", x25519: "X25519", x448: "X448", dh: "DH" };
  return refuseType((kind !== undefined && Object.hasOwn(names, kind) ? names[kind] : kind) ?? "unknown");
}
