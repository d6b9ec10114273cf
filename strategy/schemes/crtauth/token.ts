import { AuthError } from "../../errors.js";
import { decodeBase64Url, encodeBase64Url } from "./base64.js";
import { CLOCK_FUDGE_S, DEFAULT_TOKEN_LIFETIME_S, MAX_TOKEN_LIFETIME_S, MAX_TOKEN_VALIDITY_S } from "./constants.js";
import { decodeLegacyToken, decodeVerifiablePayload, encodeLegacyToken, encodeVerifiablePayload } from "./legacy.js";
import { currentSecret, hmac, macMatchesAny, secretList, type CrtauthSecrets } from "./mac.js";
import { appendMac, decodeToken, encodeTokenBody, type TokenFields } from "./messages.js";
import { checkUsername } from "./names.js";
import { checkWindow } from "./window.js";

export interface CreateTokenOptions {
  username: string;
  /** The first secret MACs the token. */
  secret: CrtauthSecrets;
  now?: (() => number) | undefined;
  /** Seconds, integer 1..598; default 60. */
  lifetimeSeconds?: number | undefined;
}

export interface CreatedToken extends TokenFields {
  /** Unpadded base64url, for `X-CHAP: token:<text>` and `Authorization: chap:<text>`. */
  text: string;
  expiresAt: Date;
}

export interface VerifyTokenOptions {
  /** Current secret first, then previous ones still accepted. */
  secret: CrtauthSecrets;
  now?: () => number;
  /** Extra slack on both ends of the window, in ms; default 0. */
  clockToleranceMs?: number;
  /** Also accept the Python server's XDR/HMAC-SHA1 token. Default false. */
  acceptLegacy?: boolean;
}

export interface VerifiedToken extends TokenFields {
  format: "v1" | "legacy";
  expiresAt: Date;
}

/**
 * Mints a token in the spec's v1 layout (what crtauth-java issues):
 * `01 74 uint(now-2) uint(now+lifetime) str(username) bin(HMAC-SHA256)`.
 *
 * Lifetimes above 598 s are refused: both upstream validators reject a token whose
 * `valid_to - valid_from` exceeds 600, and `valid_from` is backdated by 2 s.
 *
 * @example
 * const { text } = createToken({ username: verified.username, secret });
 */
export function createToken(opts: CreateTokenOptions): CreatedToken {
  const fields = tokenFields(opts);
  const secret = currentSecret(opts.secret);
  const body = encodeTokenBody(fields);
  const bytes = appendMac(body, hmac("sha256", secret, body));
  return { ...fields, text: encodeBase64Url(bytes), expiresAt: new Date(fields.validTo * 1000) };
}

/** The Python server's token (§7.1 of the notes): for deployments mixing with Python servers. */
export function createLegacyToken(opts: CreateTokenOptions): CreatedToken {
  const fields = tokenFields(opts);
  const payload = encodeLegacyToken(fields);
  const bytes = encodeVerifiablePayload({ digest: hmac("sha1", currentSecret(opts.secret), payload), payload });
  return { ...fields, text: encodeBase64Url(bytes), expiresAt: new Date(fields.validTo * 1000) };
}

/**
 * Checks `Authorization: chap:<text>`: structure, HMAC under any accepted secret
 * (constant-time; checked before the times, as Java does), validity window, and the
 * 600 s cap on `valid_to - valid_from`. Tokens are bearer tokens, reusable until they
 * expire. Throws AuthError only.
 */
export function verifyToken(text: string, opts: VerifyTokenOptions): VerifiedToken {
  return verifyTokenWith(text, secretList(opts.secret), (opts.now ?? Date.now)(), opts.clockToleranceMs ?? 0, opts.acceptLegacy ?? false);
}

/**
 * verifyToken with the secrets already converted (secretList) and the time in hand: the
 * scheme checks a token on every request, and converting its secrets and building the
 * options there each time was work for nothing.
 */
export function verifyTokenWith(text: string, secrets: readonly Buffer[], nowMs: number, clockToleranceMs: number, acceptLegacy: boolean): VerifiedToken {
  const bytes = decodeBase64Url(text);
  let fields: TokenFields;
  let format: VerifiedToken["format"];
  if (bytes[0] === 0x76 /* v */ && acceptLegacy) {
    const { digest, payload } = decodeVerifiablePayload(bytes);
    if (!macMatchesAny("sha1", secrets, payload, digest)) throw badMac();
    fields = decodeLegacyToken(payload);
    format = "legacy";
  } else {
    const t = decodeToken(bytes);
    if (!macMatchesAny("sha256", secrets, t.signedPart, t.hmac)) throw badMac();
    fields = { validFrom: t.validFrom, validTo: t.validTo, username: t.username };
    format = "v1";
  }
  checkWindow(fields, nowMs, clockToleranceMs, "crtauth token");
  if (fields.validTo - fields.validFrom > MAX_TOKEN_VALIDITY_S) {
    throw new AuthError("invalid_claim", "crtauth token lifetime exceeds 600 s", {
      detail: { lifetime: fields.validTo - fields.validFrom },
    });
  }
  return { ...fields, username: checkUsername(fields.username), format, expiresAt: new Date(fields.validTo * 1000) };
}

function tokenFields(opts: CreateTokenOptions): TokenFields {
  const lifetime = opts.lifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_S;
  if (!Number.isInteger(lifetime) || lifetime < 1 || lifetime > MAX_TOKEN_LIFETIME_S) {
    throw new RangeError(`crtauth token lifetime must be an integer from 1 to ${MAX_TOKEN_LIFETIME_S} seconds`);
  }
  const nowS = Math.floor((opts.now ?? Date.now)() / 1000);
  return { validFrom: nowS - CLOCK_FUDGE_S, validTo: nowS + lifetime, username: checkUsername(opts.username) };
}

function badMac(): AuthError {
  return new AuthError("bad_signature", "crtauth token was not issued with this server's secret", {
    detail: { part: "token_hmac" },
  });
}
