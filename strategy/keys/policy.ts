import { KeyFormatError, describeTypeName } from "./errors.js";
import { sshKeyType, sshKeyTypes, type SshKeyTypeInfo } from "./algorithms.js";

/** A key type of the table (algorithms.ts) with the sizes the policy allows for it. */
export interface KeyTypeRule extends SshKeyTypeInfo {
  minBits: number | null;
  maxBits: number | null;
}

const rsa: KeyTypeRule = {
  ...sshKeyType("ssh-rsa"),
  minBits: 2048,
  // OpenSSH's own ceiling (SSH_RSA_MAXIMUM_MODULUS_SIZE): the most a policy may allow.
  maxBits: 16384,
};

/**
 * What a deployment may tune. Verifying an RSA signature costs roughly the cube of the
 * modulus size, and every stored key can be tried by an unauthenticated caller, so the
 * default ceiling stays well under OpenSSH's: 8192 bits covers every key ssh-keygen is
 * commonly asked for.
 */
export interface KeyPolicyOptions {
  /** Largest RSA modulus accepted, in bits: 2048–16384 (default 8192). */
  rsaMaxBits?: number | undefined;
}

export const defaultRsaMaxBits = 8192;

/** The RSA ceiling of `options`, checked; a bad value is a configuration error. */
export function rsaMaxBitsOf(options: KeyPolicyOptions = {}): number {
  const value = options.rsaMaxBits ?? defaultRsaMaxBits;
  if (!Number.isSafeInteger(value) || value < (rsa.minBits ?? 0) || value > (rsa.maxBits ?? 0)) {
    throw new TypeError(`keyPolicy.rsaMaxBits must be an integer from ${rsa.minBits} to ${rsa.maxBits}, got ${String(value)}`);
  }
  return value;
}

/** What may be stored: every key type of the table, RSA with its size limits. Anything absent is refused. */
export const keyTypeRules: ReadonlyMap<string, KeyTypeRule> = new Map<string, KeyTypeRule>(
  [...sshKeyTypes.values()].map((info) => [info.type, info.family === "rsa" ? rsa : { ...info, minBits: null, maxBits: null }]),
);

/** Input size limits, in UTF-8 bytes. */
export const keyLimits = {
  maxPasteBytes: 64 * 1024,
  maxKeyBytes: 16 * 1024,
  // OpenSSL refuses larger public exponents on big moduli; a huge e would make verify slow.
  maxRsaExponentBits: 64,
} as const;

const acceptedList = [...keyTypeRules.keys()].join(", ");

/** Rule for an SSH key type name, or the policy error explaining the refusal. */
export function ruleForType(name: string): KeyTypeRule {
  return keyTypeRules.get(name) ?? refuseType(name);
}

/** Throws the policy error for a key type name that is not in the table. */
export function refuseType(name: string): never {
  const shown = describeTypeName(name);
  if (name === "ssh-dss") {
    throw new KeyFormatError(
      "dsa_not_allowed",
      "DSA (ssh-dss) keys are not accepted: they are limited to 1024 bits and OpenSSH has dropped them. " +
        "Create an Ed25519 key instead: ssh-keygen -t ed25519",
    );
  }
  if (name.includes("-cert-")) {
    throw new KeyFormatError("unsupported_type", `SSH certificates (${shown}) are not accepted; add the plain public key (the .pub file, not -cert.pub).`, {
      detail: { type: name },
    });
  }
  if (name.startsWith("sk-")) {
    throw new KeyFormatError(
      "unsupported_type",
      `The security-key (FIDO) type ${shown} is not supported; use sk-ssh-ed25519@openssh.com or sk-ecdsa-sha2-nistp256@openssh.com.`,
      {
        detail: { type: name },
      },
    );
  }
  if (name.startsWith("ecdsa-sha2-")) {
    throw new KeyFormatError("unsupported_curve", `The ECDSA curve of ${shown} is not supported; use nistp256, nistp384 or nistp521.`, {
      detail: { type: name },
    });
  }
  throw new KeyFormatError("unsupported_type", `Key type ${shown} is not supported. Accepted types: ${acceptedList}.`, {
    detail: { type: name },
  });
}

/** Rule for a node:crypto EC curve name. */
export function ruleForNodeCurve(nodeCurve: string | undefined): KeyTypeRule {
  for (const rule of keyTypeRules.values()) {
    // node:crypto keys are always plain: the sk-* row of the same curve is never meant.
    if (!rule.securityKey && rule.nodeCurve !== null && rule.nodeCurve === nodeCurve) return rule;
  }
  throw new KeyFormatError(
    "unsupported_curve",
    `The EC curve ${nodeCurve ? describeTypeName(nodeCurve) : "(explicit parameters)"} is not supported; ` + "use P-256, P-384 or P-521.",
  );
}

/** Size limits for an RSA modulus of `bits` bits, under the policy's ceiling. */
export function checkRsaBits(bits: number, options: KeyPolicyOptions = {}): void {
  const maxBits = rsaMaxBitsOf(options);
  if (rsa.minBits !== null && bits < rsa.minBits) {
    throw new KeyFormatError("rsa_too_short", `This RSA key has ${bits} bits; at least ${rsa.minBits} are required. Create a new key: ssh-keygen -t ed25519`, {
      detail: { bits },
    });
  }
  if (bits > maxBits) {
    throw new KeyFormatError("too_large", `This RSA key has ${bits} bits; at most ${maxBits} are accepted.`, {
      detail: { bits, limit: maxBits },
    });
  }
}
