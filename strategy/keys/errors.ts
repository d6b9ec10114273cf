import { SshKeyError } from "../errors.js";

/**
 * Why a piece of text was refused as a public key. Codes are stable: a UI or API
 * may switch on them; new ones may be added, existing ones never change meaning.
 */
export const keyProblemCodes = [
  "empty",
  "too_large",
  "private_key",
  "dsa_not_allowed",
  "rsa_too_short",
  "weak_key",
  "unsupported_type",
  "unsupported_curve",
  "malformed_base64",
  "malformed_key",
  "split_line",
  // A real key the instance key policy (strategy/policy/) does not take.
  "breaks_key_policy",
] as const;

export type KeyProblemCode = (typeof keyProblemCodes)[number];

/** Names of the text and binary encodings the codec reads (see formats/). */
export type KeyFormatName = "openssh" | "authorized_keys" | "pem_spki" | "pem_pkcs1" | "rfc4716" | "ssh_blob" | "key_object";

export interface KeyFormatErrorOptions {
  format?: KeyFormatName | undefined;
  cause?: unknown;
  detail?: Readonly<Record<string, string | number>> | undefined;
}

/**
 * Input that is not an acceptable public key. Messages are written for the person
 * who pasted the key and never quote the input, except a validated key type name.
 */
export class KeyFormatError extends SshKeyError<KeyProblemCode, Readonly<Record<string, string | number>>> {
  override readonly name = "KeyFormatError";
  readonly format: KeyFormatName | undefined;

  constructor(code: KeyProblemCode, message: string, options: KeyFormatErrorOptions = {}) {
    // A private key's text must not travel in an error (logs, API responses), so
    // nothing that could carry it is kept, whatever the caller passed.
    const secret = code === "private_key";
    super(code, message, secret ? undefined : { cause: options.cause, detail: options.detail });
    this.format = options.format;
  }

  /** The same error, tagged with the format that was being read when it happened. */
  withFormat(format: KeyFormatName): KeyFormatError {
    return new KeyFormatError(this.code, this.message, { format, cause: this.cause, detail: this.detail });
  }
}

export function isKeyFormatError(value: unknown): value is KeyFormatError {
  return value instanceof KeyFormatError;
}

/** Key type names come from untrusted input: quote them only when they look like one. */
export function describeTypeName(name: string): string {
  return /^[A-Za-z0-9][A-Za-z0-9.@+_-]{0,63}$/.test(name) ? `"${name}"` : "an unrecognised key type";
}
