import type { z } from "zod";
import type { PreviewEntryJson } from "../contract/responses.js";
import type { KeyPasteEntry } from "../keys/types.js";
import { DirectoryError, type KeyDirectory } from "../store/index.js";

type Registered = NonNullable<Extract<z.input<typeof PreviewEntryJson>, { ok: true }>["registered"]>;

/**
 * Who already holds each parsed key of a paste, as the caller may learn it: the target
 * account's own key with its name; another account's named only to an administrator (issue 11:
 * anyone else learns only that the key cannot be added, not that someone holds it).
 */
export async function registrationsOf(
  directory: KeyDirectory,
  entries: readonly KeyPasteEntry[],
  caller: { isAdmin: boolean },
  targetUserId: string,
): Promise<Map<number, Registered>> {
  const found = new Map<number, Registered>();
  for (const entry of entries) {
    if (!entry.ok) continue;
    try {
      const held = await directory.findKey(entry.key.fingerprintSha256);
      found.set(
        entry.source.line,
        held.userId === targetUserId
          ? { account: "this", name: held.comment, holder: null }
          : { account: "other", name: null, holder: caller.isAdmin ? held.username : null },
      );
    } catch (error) {
      if (!(error instanceof DirectoryError && error.code === "not_found")) throw error;
    }
  }
  return found;
}

/** The save refusal for a registered key, naming the key (its line, and to whom it may be told, its fingerprint). */
export function registeredMessage(entry: Extract<KeyPasteEntry, { ok: true }>, registered: Registered, caller: { isAdmin: boolean }): string {
  const key = `key ${entry.key.fingerprintSha256} (line ${entry.source.line})`;
  if (registered.account === "this")
    return `${key} is already on ${caller.isAdmin ? "this" : "your"} account${registered.name ? ` as "${registered.name}"` : ""}`;
  if (registered.holder !== null) return `${key} is already registered to ${registered.holder}`;
  return `the key on line ${entry.source.line} cannot be added`;
}
