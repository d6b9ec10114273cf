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
interface KeyHint {
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

/** A response whose challenge this server issued (MAC, server name, window checked); its signature is not checked yet. */
export interface OpenedResponse {
  /** From the server's own MAC-checked challenge: safe to look keys up by. */
  readonly hint: KeyHint;
  readonly version: 0 | 1;
  readonly challenge: ChallengeFields;
  /** The exact challenge bytes the client signed. */
  readonly signed: Buffer;
  readonly signature: Buffer;
}

export type OpenResponseOptions = Omit<VerifyResponseOptions, "lookupKey">;

/**
 * The key-free half of checking a response, in upstream's order: structure, challenge HMAC
 * (constant-time, any accepted secret), server name, validity window, username.
 * Throws AuthError only.
 */
export function openResponse(text: string, opts: OpenResponseOptions): OpenedResponse {
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
  checkWindow(challenge, (opts.now ?? Date.now)(), opts.clockToleranceMs ?? 0, "crtauth challenge");
  const username = checkUsername(challenge.username);
  return { hint: { username, fingerprint: challenge.fingerprint.toString("hex") }, version, challenge, signed, signature };
}

/** Whether `publicKey` made the response's RSA/SHA-1 signature over the exact challenge bytes. */
export function responseSignedBy(opened: OpenedResponse, publicKey: ParsedPublicKey): boolean {
  return publicKey.type === "ssh-rsa" && verifyRsaSha1(publicKey, opened.signed, opened.signature);
}

/** The refusal for a response no key can be tried for, after a wrong key's worth of work. */
export function noResponseKey(opened: OpenedResponse, reason: "not_found" | "not_rsa"): AuthError {
  // As much work as a wrong key: the refusal's timing must not tell that the user is unknown.
  decoyVerify(opened.signed, opened.signature);
  return new AuthError("unknown_key", "no RSA key on file for this crtauth user", { detail: { username: opened.hint.username, reason } });
}

export function badResponseSignature(): AuthError {
  return new AuthError("bad_signature", "crtauth response signature does not verify");
}

/** One-time redemption of a verified response: the id and how long it must be remembered. */
export function responseReplay(opened: OpenedResponse, clockToleranceMs = 0): { replayId: string; replayExpiresAt: Date } {
  return {
    replayId: createHash("sha256").update(opened.signed).digest("hex"),
    replayExpiresAt: new Date(opened.challenge.validTo * 1000 + clockToleranceMs + REPLAY_MARGIN_MS),
  };
}

/**
 * Checks a crtauth response (`X-CHAP: response:<text>`) the way upstream servers do,
 * in this order: structure, challenge HMAC (constant-time, any accepted secret),
 * server name, validity window, key lookup, RSA/SHA-1 signature over the exact
 * challenge bytes. Throws AuthError only (plus plain Errors from lookupKey).
 *
 * Upstream never remembers used challenges; callers should redeem `replayId` once.
 */
export async function verifyResponse(text: string, opts: VerifyResponseOptions): Promise<VerifiedResponse> {
  const opened = openResponse(text, opts);
  const publicKey = await opts.lookupKey(opened.hint);
  if (!publicKey || publicKey.type !== "ssh-rsa") throw noResponseKey(opened, publicKey ? "not_rsa" : "not_found");
  if (!responseSignedBy(opened, publicKey)) throw badResponseSignature();
  return {
    username: opened.hint.username,
    publicKey,
    version: opened.version,
    challenge: opened.challenge,
    ...responseReplay(opened, opts.clockToleranceMs),
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
