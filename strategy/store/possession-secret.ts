import { randomBytes } from "node:crypto";
import type { SettingsStore } from "./ports.js";

/** The setting under which the key-possession challenge secret is kept. */
const POSSESSION_SECRET_SETTING = "keyImport.possessionSecret";

/**
 * The HMAC secret key-possession challenges are made with (import/possession.ts), shared by
 * every instance and the CLI on this store: generated (32 random bytes, base64url) by whichever
 * asks first, then read by the others, so a challenge printed by the CLI verifies in the console.
 */
export function loadOrCreatePossessionSecret(settings: SettingsStore): Promise<string> {
  return settings.loadOrCreate(POSSESSION_SECRET_SETTING, () => randomBytes(32).toString("base64url"));
}
