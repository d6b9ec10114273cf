import { isKeyFormatError } from "../keys/errors.js";
import type { KeyPolicyOptions } from "../keys/policy.js";
import { parseStoredKey } from "../keys/stored-key.js";
import type { ParsedPublicKey } from "../keys/types.js";
import type { StoredUser } from "./ports.js";

export interface UserRow {
  id: string;
  username: string;
  isAdmin: boolean;
  disabled: boolean;
  requireUserVerification?: boolean;
  createdAt?: Date;
  updatedAt?: Date;
}

export function toStoredUser(row: UserRow): StoredUser {
  const user: StoredUser = {
    id: row.id,
    username: row.username,
    isAdmin: row.isAdmin,
    disabled: row.disabled,
    requireUserVerification: row.requireUserVerification ?? false,
  };
  // Both stamps are written at creation; only a later update (more than the second they can
  // differ by) is a change crtauth must honour.
  if (row.createdAt && row.updatedAt && row.updatedAt.getTime() - row.createdAt.getTime() >= 1000) user.changedAt = row.updatedAt;
  return user;
}

/**
 * Parsing a key and importing it into node:crypto costs far more than the row lookup,
 * and a stored key's text never changes, so parsed keys are kept by their text.
 * A row the codec now refuses (a small-order Ed25519 point stored before the check
 * existed, an RSA modulus outside the policy) is cached as refused: it is never a
 * candidate, so no signature is ever checked against it.
 */
export class ParsedKeyCache {
  private readonly entries = new Map<string, ParsedPublicKey | null>();
  constructor(
    private readonly capacity = 10_000,
    private readonly policy: KeyPolicyOptions = {},
  ) {}

  get(openssh: string): ParsedPublicKey | null {
    const hit = this.entries.get(openssh);
    if (hit !== undefined) {
      this.entries.delete(openssh);
      this.entries.set(openssh, hit);
      return hit;
    }
    const parsed = parseStored(openssh, this.policy);
    this.entries.set(openssh, parsed);
    if (this.entries.size > this.capacity) this.entries.delete(this.entries.keys().next().value!);
    return parsed;
  }
}

/**
 * Can `value` name a row? PostgreSQL text cannot hold NUL (the query fails, i.e. a 500), and no
 * stored kid, fingerprint or username contains one, so such a lookup has no answer on either
 * database and is not sent.
 */
export function nameable(value: string): boolean {
  return !value.includes("\u0000");
}

function parseStored(openssh: string, policy: KeyPolicyOptions): ParsedPublicKey | null {
  try {
    return parseStoredKey(openssh, policy);
  } catch (error) {
    if (isKeyFormatError(error)) return null;
    throw error;
  }
}
