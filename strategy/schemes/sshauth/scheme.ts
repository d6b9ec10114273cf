import type { Request } from "express";
import { AuthError } from "../../errors.js";
import type { KeyCandidate, KeyStore } from "../../store/ports.js";
import { findSigningKey, orderCandidates } from "../candidates.js";
import type { AuthScheme, SchemeContext, Verified } from "../scheme.js";
import { replayKey } from "../replay-key.js";
import { bindingActions } from "./binding.js";
import { DEFAULT_MAX_BINDING_BODY_BYTES, rawBodyForBinding } from "./request-body.js";
import { DEFAULT_MAGIC, normalizeMagic, type SshauthAction } from "./signed-message.js";
import { decodeSshauthToken, MAX_TOKEN_LENGTH, type UnverifiedSshauthToken } from "./token-codec.js";
import { verifySshauthToken, type SshauthKeyHints } from "./verify.js";

export interface SshauthSchemeOptions {
  /** 8-byte application prefix both sides sign with (default upstream's "byo.e.m."; choose your own). */
  magic?: string | undefined;
  /** Accepted |now − timestamp| in seconds, inclusive (upstream's max_skew_seconds; default 60). */
  maxSkewSeconds?: number | undefined;
  /** Accept each signed message once per key (default true). */
  replayProtection?: boolean | undefined;
  /**
   * Require the v1 request binding (binding.ts: method, path+query, host, body digest) on
   * every route (default false: plain, unbound sshauth tokens interoperate). A route can
   * override it with `passport.authenticate("sshkey", { sshauthBinding: true | false })`.
   */
  bindRequests?: boolean | undefined;
  /** Host to bind instead of the Host header, for a proxy that rewrites Host (e.g. "api.example.com"). */
  bindingHost?: string | undefined;
  /** Largest body the strategy reads itself for binding when no body parser ran (default 1 MiB). */
  maxBindingBodyBytes?: number | undefined;
  /**
   * The action list the token must have signed, computed by the application per request.
   * Overrides `bindRequests` and the route option: for a convention of your own, or tests.
   */
  actions?: ((req: Request) => readonly SshauthAction[] | Promise<readonly SshauthAction[]>) | undefined;
  /** Claim `Authorization: Bearer <token>` for credentials without a "." (default true). */
  bearer?: boolean | undefined;
  realm?: string | undefined;
}

const optionNames = new Set([
  "magic",
  "maxSkewSeconds",
  "replayProtection",
  "bindRequests",
  "bindingHost",
  "maxBindingBodyBytes",
  "actions",
  "bearer",
  "realm",
]);

/** The key types sshauth signs with; no other stored key is ever a candidate. */
const SSHAUTH_KEY_TYPES: ReadonlySet<string> = new Set(["ssh-ed25519", "ecdsa-sha2-nistp256"]);

/**
 * Candidates from the token's untrusted hints: only the key named by the fingerprint when
 * there is one (kept only if it belongs to the claimed identity, when there is one), else
 * the keys of the user named by the identity. Active keys first, so `findSigningKey`
 * semantics hold, and at most `maxCandidatesPerCredential` of them.
 */
async function candidatesFor(hints: SshauthKeyHints, keys: KeyStore, nowMs: number): Promise<KeyCandidate[]> {
  let found: KeyCandidate[] = [];
  if (hints.fingerprintSha256 !== null) {
    const byFingerprint = await keys.findByFingerprint(hints.fingerprintSha256);
    if (byFingerprint && (hints.identity === null || byFingerprint.user.username === hints.identity)) found = [byFingerprint];
  } else if (hints.identity !== null) {
    const byUser = await keys.findByUsername(hints.identity);
    if (byUser) found = byUser.keys.map((key) => ({ key, user: byUser.user }));
  }
  return orderCandidates(found.filter((c) => SSHAUTH_KEY_TYPES.has(c.key.parsed.type)), nowMs);
}

function bindingWanted(options: SshauthSchemeOptions, routeOptions: Readonly<Record<string, unknown>>): boolean {
  const perRoute = routeOptions.sshauthBinding;
  if (perRoute === undefined) return options.bindRequests ?? false;
  if (typeof perRoute !== "boolean") throw new TypeError("passport.authenticate option sshauthBinding must be a boolean");
  return perRoute;
}

async function expectedActions(options: SshauthSchemeOptions, ctx: SchemeContext): Promise<readonly SshauthAction[]> {
  const { req } = ctx;
  if (options.actions) return options.actions(req);
  if (!bindingWanted(options, ctx.routeOptions)) return [];
  const authority = req.headers.host ?? req.headers[":authority"];
  return bindingActions({
    method: req.method,
    pathWithQuery: req.originalUrl ?? req.url,
    host: options.bindingHost ?? (typeof authority === "string" ? authority : ""),
    body: await rawBodyForBinding(req, options.maxBindingBodyBytes ?? DEFAULT_MAX_BINDING_BODY_BYTES),
  });
}

/**
 * A token that failed as `bad_signature` may be a good token made for the other binding
 * setting: a bound token sent where binding is off, or an unbound one where it is on.
 * Verifying it once more the other way (with the key candidates already looked up, only on
 * this failure path) names the mistake instead of "bad signature". The token is refused
 * either way; only the code changes, and only for a signature a key of the user made.
 */
async function diagnoseBinding(
  error: unknown,
  options: SshauthSchemeOptions,
  ctx: SchemeContext,
  actions: readonly SshauthAction[],
  verifyWith: (actions: readonly SshauthAction[]) => Promise<unknown>,
): Promise<unknown> {
  // Schemes throw the precise code; the public invalid_credentials is applied later, in the HTTP layer.
  const unverified = error instanceof AuthError && error.code === "bad_signature";
  if (!unverified || options.actions) return error;
  let other: readonly SshauthAction[];
  if (actions.length > 0) {
    other = [];
  } else {
    const body = await rawBodyForBinding(ctx.req, options.maxBindingBodyBytes ?? DEFAULT_MAX_BINDING_BODY_BYTES).catch(() => null);
    if (body === null) return error;
    const authority = ctx.req.headers.host ?? ctx.req.headers[":authority"];
    other = bindingActions({
      method: ctx.req.method,
      pathWithQuery: ctx.req.originalUrl ?? ctx.req.url,
      host: options.bindingHost ?? (typeof authority === "string" ? authority : ""),
      body,
    });
  }
  try {
    await verifyWith(other);
  } catch {
    return error;
  }
  return actions.length > 0
    ? new AuthError("binding_required", "this sshauth token is not bound to the request, and this server requires request binding (sign with --bind)")
    : new AuthError("binding_not_enabled", "this sshauth token is bound to the request, but this server does not enable request binding (sign without --bind, or turn bindRequests on)");
}

/**
 * Oxide sshauth tokens: `Authorization: Bearer <token>` (a token never contains ".", a
 * JWS always does) or `Authorization: SSHAuth <token>`.
 *
 * Order: decode → expected actions (binding) → key lookup by the untrusted hints →
 * signature (active keys first) → fingerprint → clock skew → key state (revoked, expired,
 * disabled) → replay. The replay id covers the verifying key and the whole 52-byte signed
 * message (magic, identity, fingerprint, timestamp, actions), not the token text, so a
 * re-padded, re-signed or garbage-suffixed copy is the same use.
 */
export function createSshauthScheme(options: SshauthSchemeOptions = {}): AuthScheme {
  for (const key of Object.keys(options)) {
    if (!optionNames.has(key)) throw new TypeError(`sshauth scheme: unknown option ${JSON.stringify(key)}`);
  }
  const magic = options.magic ?? DEFAULT_MAGIC;
  normalizeMagic(magic); // a wrong length is a configuration error: fail at construction
  const maxSkewSeconds = options.maxSkewSeconds ?? 60;
  if (!Number.isSafeInteger(maxSkewSeconds) || maxSkewSeconds < 0) {
    throw new TypeError(`sshauth scheme: maxSkewSeconds must be a non-negative integer, got ${String(maxSkewSeconds)}`);
  }
  const maxBody = options.maxBindingBodyBytes ?? DEFAULT_MAX_BINDING_BODY_BYTES;
  if (!Number.isSafeInteger(maxBody) || maxBody < 0) throw new TypeError("sshauth scheme: maxBindingBodyBytes must be a non-negative integer");
  if (options.actions !== undefined && typeof options.actions !== "function") throw new TypeError("sshauth scheme: actions must be a function");
  const replayProtection = options.replayProtection ?? true;
  const bearer = options.bearer ?? true;

  return {
    name: "sshauth",
    challenge: `Bearer realm="${options.realm ?? "passport-sshkey"}"`,
    claims: (word, credential) => word === "sshauth" || (bearer && word === "bearer" && !credential.includes(".")),
    async verify(credential: string, ctx: SchemeContext): Promise<Verified> {
      if (credential.length > MAX_TOKEN_LENGTH) {
        throw new AuthError("credentials_too_large", `an sshauth token is at most ${MAX_TOKEN_LENGTH} characters`);
      }
      const token: UnverifiedSshauthToken = decodeSshauthToken(credential);
      const identity = token.untrustedIdentity;
      if (identity !== null) ctx.noteUntrustedUsername(identity);
      const actions = await expectedActions(options, ctx);

      const nowMs = ctx.now();
      let candidates: KeyCandidate[] | null = null;
      const verifyWith = (signedActions: readonly SshauthAction[]) =>
        verifySshauthToken<KeyCandidate>(token, {
          candidates: async (hints) => (candidates ??= await candidatesFor(hints, ctx.keys, nowMs)),
          keyOf: (c) => c.key.parsed,
          magic,
          actions: signedActions,
          now: nowMs / 1000,
          maxSkewSeconds,
        });
      let verified: Awaited<ReturnType<typeof verifyWith>>;
      try {
        verified = await verifyWith(actions);
      } catch (error) {
        throw await diagnoseBinding(error, options, ctx, actions, verifyWith);
      }
      // Candidates came active-first, so this is the key findSigningKey would pick; an
      // inactive one is refused with its precise reason (key_revoked, key_expired, user_disabled).
      const signer = findSigningKey([verified.candidate], nowMs, () => true);
      if (!signer) throw new AuthError("bad_signature", "sshauth token signature could not be verified");

      if (replayProtection && !(await ctx.replay.consume("sshauth", replayKey(verified.timestamp, verified.replayId), verified.replayExpiresAt))) {
        throw new AuthError("replayed", "this sshauth token (same key, same signed message) was already used");
      }
      return { ...signer, scheme: "sshauth" };
    },
  };
}
