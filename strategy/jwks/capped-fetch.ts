import type { IncomingHttpHeaders } from "node:http";
import { FetchRefusal, type Resolver } from "../net/address-policy.js";
import { guardedGet } from "../net/guarded-get.js";

/** What a capped fetch learnt besides the body: the response's Cache-Control. */
export interface FetchedHeaders {
  cacheControl: string | null;
}

export interface CappedFetchOptions {
  maxBytes: number;
  /** Connect to loopback, private, link-local… addresses too (an internal JWKS server). */
  allowPrivateAddresses: boolean;
  /** Name resolution for the address check (tests hand a fake one). */
  resolve?: Resolver | undefined;
}

function webHeaders(headers: IncomingHttpHeaders): Headers {
  const web = new Headers();
  for (const [name, value] of Object.entries(headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) web.append(name, one);
  }
  return web;
}

/**
 * A fetch for jose's remote JWK set over the guarded GET (net/guarded-get.ts: public addresses
 * only unless allowed, body capped, no redirects). It hands the response's Cache-Control to
 * `seen` and refuses any answer but 200 by its status.
 */
export function cappedFetch(options: CappedFetchOptions, seen: (headers: FetchedHeaders) => void) {
  return async (url: string, init: RequestInit): Promise<Response> => {
    const response = await guardedGet(url, {
      ...options,
      what: "the JWKS response",
      headers: Object.fromEntries(new Headers(init.headers)),
      // jose's timeout is this signal: its reason (a TimeoutError) is what jose reports as JWKSTimeout.
      signal: init.signal ?? undefined,
    });
    if (response.status !== 200) {
      const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
      throw new FetchRefusal(`the JWKS endpoint answered HTTP ${response.status}${redirect}`);
    }
    seen({ cacheControl: response.headers["cache-control"] ?? null });
    const body = response.body.byteLength === 0 ? null : (response.body as Uint8Array<ArrayBuffer>);
    return new Response(body, { status: 200, headers: webHeaders(response.headers) });
  };
}
