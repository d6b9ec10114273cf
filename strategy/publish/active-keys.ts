import { keyState } from "../core/key-state.js";
import type { KeyStore, PublishableKey, PublishableOwner } from "../store/ports.js";

/**
 * The keys the directory publishes: those that may sign in now by the one key-state table
 * (not revoked, not expired, not unverified, owner enabled), oldest first. A disabled owner publishes none.
 */
export function activeKeys(owner: PublishableOwner, nowMs: number): PublishableKey[] {
  return owner.keys.filter((key) => keyState(key, owner.disabled, nowMs) === "active").sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
}

/** A user and their keys through the KeyStore port (any store: memory, SQLite, PostgreSQL, cached). */
export async function publishableOwner(keys: Pick<KeyStore, "findByUsername">, username: string): Promise<PublishableOwner | null> {
  const found = await keys.findByUsername(username);
  if (!found) return null;
  return {
    username: found.user.username,
    disabled: found.user.disabled,
    keys: found.keys.map((key) => ({
      openssh: key.parsed.openssh,
      createdAt: key.createdAt,
      expiresAt: key.expiresAt,
      revokedAt: key.revokedAt,
      securityKey: key.parsed.securityKey !== null,
      touchRequired: key.touchRequired ?? true,
      verifyRequired: key.verifyRequired ?? false,
      sshOptions: key.sshOptions ?? null,
      unverified: key.unverified ?? false,
    })),
  };
}
