import { randomBytes } from "node:crypto";
import type { SettingsStore } from "./ports.js";

/** The setting under which `serve` keeps its generated crtauth secret. */
export const CRTAUTH_SECRET_SETTING = "crtauth.secret";

/**
 * The crtauth HMAC secret shared by every instance on this store: generated (32 random
 * bytes, base64url) by whichever instance starts first, then read by the others.
 */
export function loadOrCreateCrtauthSecret(settings: SettingsStore): Promise<string> {
  return settings.loadOrCreate(CRTAUTH_SECRET_SETTING, () => randomBytes(32).toString("base64url"));
}
