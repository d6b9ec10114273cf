import { KeyObject, type webcrypto } from "node:crypto";
import type * as Jose from "jose";
import { assemble } from "../keys/assemble.js";
import { isKeyFormatError } from "../keys/errors.js";
import { materialFromKeyObject } from "../keys/material.js";
import type { KeyPolicyOptions } from "../keys/policy.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { JwksUnavailableError, type JwksKeySource } from "../store/ports.js";
import { FetchRefusal, type Resolver } from "../net/address-policy.js";
import { maxAgeMs } from "./cache-control.js";
import { cappedFetch } from "./capped-fetch.js";
import type { JwksSettings } from "./options.js";
import { fetchFailureText } from "../net/failure-text.js";
import { fetchableUrl } from "../net/url-policy.js";

/**
 * jose, imported when a strategy first reads a JWKS: most deployments configure no JWKS URL,
 * and the strategy is constructed in every process.
 */
let jose: typeof Jose | undefined;
const loadJose = async (): Promise<typeof Jose> => (jose ??= await import("jose"));

/** One URL's set: jose's cache of its keys, and when this source last fetched it and for how long that holds. */
interface RemoteSet {
  readonly lookup: ReturnType<typeof Jose.createRemoteJWKSet>;
  /** When the last fetch (good or not) started, by the strategy's clock; null before the first. */
  attemptedAt: number | null;
  /** When the keys now held were fetched; null when none are held. */
  fetchedAt: number | null;
  maxAgeMs: number;
  /** Why the last fetch failed; null after a good one. */
  failure: string | null;
  /** The max-age of the response being read. */
  pendingMaxAgeMs: number;
}

const httpRefusal = "only https:// JWKS URLs are fetched (http:// with the jwks.allowHttp option, or on loopback with jwks.allowPrivateAddresses)";

/** Sets kept at once; past it all are dropped (each is refetched on its next use). */
const maxSets = 1024;

/** Called after each fetch with its outcome, for the endpoints' fetch status in the console. */
export type JwksFetchListener = (url: string, error: string | null) => void;

/**
 * The JwksKeySource over jose's createRemoteJWKSet, one per strategy. jose selects the key (by
 * kid, the kty and crv the alg needs, the JWK's own alg and use) and imports it; this source
 * decides when to fetch, by the strategy's clock: jose's own timers are off (max age and cooldown
 * infinite), so the Cache-Control max-age (within [refetchIntervalMs, a day]) ages a set, a kid
 * the set lacks refetches it at most once per `refetchIntervalMs`, and so does a failed fetch.
 */
export class RemoteJwksKeySource implements JwksKeySource {
  private readonly sets = new Map<string, RemoteSet>();
  private readonly parsed = new WeakMap<object, ParsedPublicKey | null>();

  constructor(
    private readonly settings: JwksSettings,
    private readonly now: () => number,
    private readonly policy: KeyPolicyOptions = {},
    private readonly onFetch: JwksFetchListener = () => {},
    private readonly resolve?: Resolver,
  ) {}

  async findKey(url: string, alg: string, kid: string): Promise<ParsedPublicKey | null> {
    const set = this.setFor(url, await loadJose());
    const now = this.now();
    const mayFetch = set.attemptedAt === null || now - set.attemptedAt >= this.settings.refetchIntervalMs;
    if (set.fetchedAt === null || now - set.fetchedAt >= set.maxAgeMs) {
      if (!mayFetch) throw new JwksUnavailableError(set.failure ?? "the JWKS could not be read");
      await this.reload(url, set, now, true);
      return (await this.select(set, alg, kid)) ?? null;
    }
    const found = await this.select(set, alg, kid);
    if (found !== undefined || !mayFetch) return found ?? null;
    // A kid the cached set lacks: a key rotated in since, worth one fetch per interval. If that
    // fetch fails, the set held stays in use until its max age (so tokens with random kids during
    // an outage cannot take the good keys away), and this kid is undecided.
    await this.reload(url, set, now, false);
    return (await this.select(set, alg, kid)) ?? null;
  }

  private setFor(url: string, { createRemoteJWKSet, customFetch }: typeof Jose): RemoteSet {
    let set = this.sets.get(url);
    if (set) return set;
    if (this.sets.size >= maxSets) this.sets.clear();
    const holder: { set?: RemoteSet } = {};
    const lookup = createRemoteJWKSet(new URL(url), {
      timeoutDuration: this.settings.timeoutMs,
      cacheMaxAge: Infinity,
      cooldownDuration: Infinity,
      [customFetch]: cappedFetch(
        { maxBytes: this.settings.maxResponseBytes, allowPrivateAddresses: this.settings.allowPrivateAddresses, resolve: this.resolve },
        ({ cacheControl }) => {
          holder.set!.pendingMaxAgeMs = maxAgeMs(cacheControl, this.settings.defaultMaxAgeMs);
        },
      ),
    });
    set = { lookup, attemptedAt: null, fetchedAt: null, maxAgeMs: 0, failure: null, pendingMaxAgeMs: this.settings.defaultMaxAgeMs };
    holder.set = set;
    this.sets.set(url, set);
    return set;
  }

  /** Fetches the set; on failure, `dropHeld` also forgets the keys held (a stale set is not trusted). */
  private async reload(url: string, set: RemoteSet, now: number, dropHeld: boolean): Promise<void> {
    set.attemptedAt = now;
    try {
      if (!fetchableUrl(url, this.settings)) throw new FetchRefusal(httpRefusal);
      await set.lookup.reload();
    } catch (error) {
      if (dropHeld) set.fetchedAt = null;
      set.failure = failureText(error);
      this.onFetch(url, set.failure);
      throw new JwksUnavailableError(set.failure, { cause: error });
    }
    set.fetchedAt = now;
    set.failure = null;
    set.maxAgeMs = Math.min(Math.max(set.pendingMaxAgeMs, this.settings.refetchIntervalMs), this.settings.maxMaxAgeMs);
    this.onFetch(url, null);
  }

  /**
   * The set's key for this kid and alg: parsed, null when the policy refuses it or the kid is
   * ambiguous, undefined when the set has no such key.
   */
  private async select(set: RemoteSet, alg: string, kid: string): Promise<ParsedPublicKey | null | undefined> {
    let key: webcrypto.CryptoKey;
    try {
      key = (await set.lookup({ alg, kid })) as webcrypto.CryptoKey;
    } catch (error) {
      if (error instanceof jose!.errors.JWKSNoMatchingKey) return undefined;
      // Two keys under one kid, an alg jose does not know, a JWK WebCrypto does not import (a
      // point off the curve): no key. The set is already fetched, so nothing else can fail here.
      return null;
    }
    return this.parse(key, kid);
  }

  private parse(key: webcrypto.CryptoKey, kid: string): ParsedPublicKey | null {
    const known = this.parsed.get(key);
    if (known !== undefined) return known;
    let parsed: ParsedPublicKey | null;
    try {
      parsed = assemble(materialFromKeyObject(KeyObject.from(key), this.policy), kid);
    } catch (error) {
      // RSA under 2048 bits, a curve the policy does not take.
      if (!isKeyFormatError(error)) throw error;
      parsed = null;
    }
    this.parsed.set(key, parsed);
    return parsed;
  }
}

/**
 * A failed fetch as its URL's owner sees it (console, admin API): what went wrong, never the
 * underlying error's text, which can name internal hosts, addresses and ports.
 */
function failureText(error: unknown): string {
  // Only called after a fetch, so jose is loaded.
  const { errors } = jose!;
  if (error instanceof errors.JWKSTimeout) return "the JWKS endpoint did not answer in time";
  if (error instanceof errors.JWKSInvalid) return "the JWKS response is not a JSON Web Key Set";
  if (error instanceof errors.JOSEError && error.cause instanceof SyntaxError) return "the JWKS response is not JSON";
  return fetchFailureText(error, { endpoint: "the JWKS endpoint", host: "the JWKS host name" }) ?? "the JWKS endpoint could not be read";
}
