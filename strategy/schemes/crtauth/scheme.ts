import { AuthError } from "../../errors.js";
import type { StoredKey, StoredUser } from "../../store/ports.js";
import { keyState } from "../candidates.js";
import type { AuthScheme, SchemeContext, Verified } from "../scheme.js";
import { CLOCK_FUDGE_S } from "./constants.js";
import { secretList } from "./mac.js";
import { resolveCrtauthSecrets, type CrtauthOptions } from "./options.js";
import { verifyToken } from "./token.js";

export interface CrtauthSchemeOptions extends CrtauthOptions {
  realm?: string | undefined;
}

/**
 * The user's active RSA keys, best first. crtauth tokens carry only a username, so when a
 * user has several active RSA keys the token cannot say which one did the handshake.
 * We take the most recently added one: it is also the key the `/_auth` router names in
 * its challenges (so with an ssh-agent it is the key that signed), and a user rotating
 * keys usually adds the new one before revoking the old. Ties (same createdAt) fall
 * back to the id so the choice is stable.
 */
export function activeRsaKeys(user: StoredUser, keys: readonly StoredKey[], nowMs: number): StoredKey[] {
  return keys
    .filter((key) => key.parsed.type === "ssh-rsa" && keyState({ key, user }, nowMs) === "active")
    .sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Why a user has no usable RSA key, as precisely as the stored state allows. */
export function noActiveRsaKeyError(user: StoredUser, keys: readonly StoredKey[], nowMs: number): AuthError {
  if (user.disabled) return new AuthError("user_disabled", "the account is disabled");
  const states = keys.filter((k) => k.parsed.type === "ssh-rsa").map((key) => keyState({ key, user }, nowMs));
  if (states.includes("revoked")) return new AuthError("key_revoked", "the user's RSA key has been revoked");
  if (states.includes("expired")) return new AuthError("key_expired", "the user's RSA key has expired");
  return new AuthError("unknown_key", "no RSA key is registered for this user");
}

/**
 * Spotify crtauth tokens: `Authorization: chap:<token>`, minted by the `/_auth` router
 * (createCrtauthRouter). The token is an HMAC-protected bearer token (username + validity
 * window); it is checked under the current and the previous secret, then the user must
 * still be enabled and hold an active RSA key. So revoking the key or disabling the user
 * stops its tokens at once, except when the user still holds another active RSA key: then
 * a token made with the revoked key keeps working until it expires (one token lifetime,
 * 60 s by default, 598 s at most).
 *
 * Every failure is a 401 (`alwaysUnauthorized`): requests-crtauth redoes the handshake
 * only on 401. Without a configured secret (option or CRTAUTH_SECRET) every chap token is
 * refused with `unsupported_scheme`.
 */
export function createCrtauthScheme(options: CrtauthSchemeOptions = {}): AuthScheme {
  const configured = resolveCrtauthSecrets(options);
  // Converted once: the token check runs on every request.
  const secrets = configured && secretList(configured);
  return {
    name: "crtauth",
    challenge: `chap realm="${options.realm ?? "passport-sshkey"}"`,
    alwaysUnauthorized: true,
    claims: (word) => word === "chap",
    async verify(credential: string, ctx: SchemeContext): Promise<Verified> {
      if (!secrets) throw new AuthError("unsupported_scheme", "crtauth is not configured on this server");
      const nowMs = ctx.now();
      const token = verifyToken(credential, { secret: secrets, now: () => nowMs });
      ctx.noteUntrustedUsername(token.username);
      const found = await ctx.keys.findByUsername(token.username);
      if (!found) throw new AuthError("unknown_key", "the user of this crtauth token no longer exists");
      const [key] = activeRsaKeys(found.user, found.keys, nowMs);
      if (!key || found.user.disabled) throw noActiveRsaKeyError(found.user, found.keys, nowMs);
      // A bearer token must not outlive a disable: once the account changed (disabled, then
      // re-enabled), tokens minted before are refused, in whole seconds as tokens count time.
      const issuedAtS = token.validFrom + CLOCK_FUDGE_S;
      const changedAt = found.user.changedAt;
      if (changedAt && issuedAtS < Math.floor(changedAt.getTime() / 1000)) {
        throw new AuthError("token_expired", "this crtauth token was issued before the account last changed", { detail: { userId: found.user.id } });
      }
      return { key, user: found.user, scheme: "crtauth" };
    },
  };
}
