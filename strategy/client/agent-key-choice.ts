import { schemeKeyTypes } from "../keys/algorithms.js";
import type { ParsedPublicKey } from "../keys/types.js";
import type { ClientScheme } from "./authorize.js";
import type { Signer } from "./signer.js";

/** Can `scheme` sign with this key type? (The one table, keys/algorithms.ts, says.) */
export function keyFitsScheme(key: Pick<ParsedPublicKey, "type">, scheme: ClientScheme): boolean {
  return Object.hasOwn(schemeKeyTypes, scheme) && schemeKeyTypes[scheme].has(key.type);
}

/**
 * 401 codes that say "not this key" — the server does not know it, it did not verify, it
 * is revoked, expired, unverified or breaks the key policy, may not be used from this address (its `from=`), or its type does not fit the user's keys (`alg_not_allowed`: an
 * EdDSA JWT for a user whose keys are all RSA; this client never signs with a forbidden
 * algorithm) — so another key may still be accepted. Every other refusal (replayed,
 * clock_skew, user_disabled, rate limits…) would be the same with any key.
 * `invalid_credentials` is the one public code a server may give for the first ones.
 */
export const nextKeyCodes: ReadonlySet<string> = new Set([
  "unknown_key",
  "bad_signature",
  "alg_not_allowed",
  "key_revoked",
  "key_expired",
  "source_address_not_allowed",
  "key_unverified",
  "key_policy",
  "invalid_credentials",
]);

/** The `error.code` of a 401 JSON error body (`{"error":{"code":…}}`), or null. The response stays readable. */
export async function refusalCode(response: Response): Promise<string | null> {
  if (response.status !== 401 || !/json/i.test(response.headers.get("content-type") ?? "")) return null;
  try {
    const body = (await response.clone().json()) as { error?: { code?: unknown } };
    return typeof body?.error?.code === "string" ? body.error.code : null;
  } catch {
    return null;
  }
}

export interface KeyAttemptResult<T> {
  result: T;
  signer: Signer;
}

/**
 * Tries `attempt` with each signer in order, as ssh offers keys: it moves on while the
 * server refuses the key itself (`nextKeyCodes`), and stops at the first other answer.
 * `response` maps an attempt's result to the HTTP response to judge; `onRefused` hears of
 * each key passed over. `passOver` may move on past an attempt that threw (an agent that
 * would not sign with that key, as ssh moves on). The last attempt's result is returned
 * whatever it is, and its error thrown.
 */
export async function tryKeysInTurn<T>(
  signers: readonly Signer[],
  attempt: (signer: Signer) => Promise<T>,
  options: { response: (result: T) => Response; onRefused?: (signer: Signer, code: string) => void; passOver?: (signer: Signer, error: unknown) => boolean },
): Promise<KeyAttemptResult<T>> {
  if (signers.length === 0) throw new TypeError("tryKeysInTurn: no signer to try");
  for (let i = 0; ; i++) {
    const signer = signers[i]!;
    const last = i === signers.length - 1;
    let result: T;
    try {
      result = await attempt(signer);
    } catch (error) {
      if (!last && options.passOver?.(signer, error)) continue;
      throw error;
    }
    if (last) return { result, signer };
    const response = options.response(result);
    const code = await refusalCode(response);
    if (code === null || !nextKeyCodes.has(code)) return { result, signer };
    await response.body?.cancel();
    options.onRefused?.(signer, code);
  }
}
