import { createHash, verify } from "node:crypto";
import { AuthError } from "../../errors.js";
import { decoyKey } from "../decoy-keys.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import { decodeBase64Url } from "./base64.js";
import { decodeLegacyChallenge, decodeLegacyResponse } from "./legacy.js";
import { macMatchesAny, secretList, type CrtauthSecrets } from "./mac.js";
import { decodeChallenge, decodeResponse, type ChallengeFields } from "./messages.js";
import { assertServerName, checkUsername } from "./names.js";
import { verifyRsaSha1 } from "./rsa.js";
import { checkWindow } from "./window.js";

/** What the server put in its own (MAC-checked) challenge: safe to look keys up by. */
export interface KeyHint {
  username: string;
  /** Lowercase hex of the 6 fingerprint bytes (compare with ParsedPublicKey.crtauthFingerprint). */
  fingerprint: string;
}

export interface VerifyResponseOptions {
  /** Current secret first, then previous ones still accepted. */
  secret: CrtauthSecrets;
  serverName: string;
  /**
   * The key the user should have signed with, or null if none. Upstream looks the key
   * up by username alone; the fingerprint lets a store holding several keys per user
   * pick the one the challenge named. Non-RSA keys are refused (unknown_key).
   */
  lookupKey(hint: KeyHint): ParsedPublicKey | null | Promise<ParsedPublicKey | null>;
  /** Milliseconds since the epoch; default Date.now. */
  now?: () => number;
  /** Extra slack on both ends of the window, in ms; default 0 (upstream has none). */
  clockToleranceMs?: number;
  /** Accept v0 (XDR, HMAC-SHA1) responses, as the Python server does by default. Default false. */
  allowLegacy?: boolean;
}

export interface VerifiedResponse {
  username: string;
  publicKey: ParsedPublicKey;
  version: 0 | 1;
  challenge: ChallengeFields;
  /**
   * Identifies this response for one-time redemption: hex SHA-256 of the challenge
   * bytes (each holds 20 fresh random bytes). Redeem with
   * `replay.consume("crtauth", replayId, replayExpiresAt)`.
   */
  replayId: string;
  /** When the challenge stops being accepted anywhere (valid_to + tolerance + 60 s margin). */
  replayExpiresAt: Date;
}

/** Slack kept in the replay store beyond the window, for servers whose clocks run behind. */
const REPLAY_MARGIN_MS = 60_000;

/**
 * Checks a crtauth response (`X-CHAP: response:<text>`) the way upstream servers do,
 * in this order: structure, challenge HMAC (constant-time, any accepted secret),
 * server name, validity window, key lookup, RSA/SHA-1 signature over the exact
 * challenge bytes. Throws AuthError only (plus plain Errors from lookupKey).
 *
 * Upstream never remembers used challenges; callers should redeem `replayId` once.
 */
export async function verifyResponse(text: string, opts: VerifyResponseOptions): Promise<VerifiedResponse> {
  const secrets = secretList(opts.secret);
  const serverName = assertServerName(opts.serverName);
  const bytes = decodeBase64Url(text);

  let challenge: ChallengeFields;
  let signed: Buffer;
  let signature: Buffer;
  let version: 0 | 1;
  if (bytes[0] === 0x72 /* r */ && opts.allowLegacy) {
    const r = decodeLegacyResponse(bytes);
    if (!macMatchesAny("sha1", secrets, r.payload, r.digest)) throw badMac();
    challenge = decodeLegacyChallenge(r.payload);
    signed = r.payload;
    signature = r.signature;
    version = 0;
  } else {
    const r = decodeResponse(bytes);
    const c = decodeChallenge(r.challenge);
    if (!macMatchesAny("sha256", secrets, c.signedPart, c.hmac)) throw badMac();
    challenge = c;
    signed = r.challenge;
    signature = r.signature;
    version = 1;
  }

  if (challenge.serverName !== serverName) {
    throw new AuthError("wrong_server", "crtauth challenge was issued for another server", {
      detail: { expected: serverName, got: challenge.serverName },
    });
  }
  checkWindow(challenge, (opts.now ?? Date.now)(), opts.clockToleranceMs ?? 0);
  const username = checkUsername(challenge.username);

  const publicKey = await opts.lookupKey({ username, fingerprint: challenge.fingerprint.toString("hex") });
  if (!publicKey || publicKey.type !== "ssh-rsa") {
    // As much work as a wrong key: the refusal's timing must not tell that the user is unknown.
    decoyVerify(signed, signature);
    throw new AuthError("unknown_key", "no RSA key on file for this crtauth user", {
      detail: { username, reason: publicKey ? "not_rsa" : "not_found" },
    });
  }
  if (!verifyRsaSha1(publicKey, signed, signature)) {
    throw new AuthError("bad_signature", "crtauth response signature does not verify");
  }

  return {
    username,
    publicKey,
    version,
    challenge,
    replayId: createHash("sha256").update(signed).digest("hex"),
    replayExpiresAt: new Date(challenge.validTo * 1000 + (opts.clockToleranceMs ?? 0) + REPLAY_MARGIN_MS),
  };
}

function decoyVerify(signed: Buffer, signature: Buffer): void {
  const padded = Buffer.alloc(256);
  signature.subarray(0, 256).copy(padded, 256 - Math.min(256, signature.length));
  try {
    verify("sha1", signed, decoyKey("ssh-rsa"), padded);
  } catch {
    // Only its cost matters; whatever happened, the caller refuses.
  }
}

function badMac(): AuthError {
  return new AuthError("bad_signature", "crtauth challenge was not issued with this server's secret", {
    detail: { part: "challenge_hmac" },
  });
}
