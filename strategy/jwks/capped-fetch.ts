import http, { type IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import { guardedLookup, isPublicAddress, JwksFetchRefusal, nonPublicRefusal, type Resolver } from "./address-policy.js";

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

function tooLarge(maxBytes: number): JwksFetchRefusal {
  return new JwksFetchRefusal(`the JWKS response is larger than ${maxBytes} bytes`);
}

function readCapped(response: IncomingMessage, maxBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      reject(tooLarge(maxBytes));
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    response.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        response.destroy();
        reject(tooLarge(maxBytes));
      } else chunks.push(chunk);
    });
    response.on("end", () => resolve(Buffer.concat(chunks)));
    response.on("error", reject);
    response.on("close", () => reject(new Error("the JWKS response was cut off")));
  });
}

function webHeaders(response: IncomingMessage): Headers {
  const headers = new Headers();
  for (const [name, value] of Object.entries(response.headers)) {
    for (const one of Array.isArray(value) ? value : value === undefined ? [] : [value]) headers.append(name, one);
  }
  return headers;
}

/**
 * A fetch for jose's remote JWK set over node's http(s), so that where it connects can be
 * checked: unless `allowPrivateAddresses`, a literal IP that is not public is refused before
 * connecting, and a host name through a lookup hook that refuses it when any address it resolves
 * to is not public, at connection time (a name rebound to 127.0.0.1 after it was added is caught).
 * It reads at most `maxBytes` of the body (jose reads whatever it is sent), hands the response's
 * Cache-Control to `seen`, never follows a redirect, and refuses any answer but 200 by its status.
 */
export function cappedFetch(options: CappedFetchOptions, seen: (headers: FetchedHeaders) => void) {
  const lookup = options.allowPrivateAddresses ? undefined : guardedLookup(options.resolve);
  return (url: string, init: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const target = new URL(url);
      const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
      if (lookup && net.isIP(host) !== 0 && !isPublicAddress(host)) {
        reject(new JwksFetchRefusal(nonPublicRefusal));
        return;
      }
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const client = target.protocol === "https:" ? https : http;
      // One connection per fetch (agent: false): no pooled socket outlives the check it passed.
      const request = client.request(target, { method: "GET", headers: Object.fromEntries(new Headers(init.headers)), agent: false, lookup }, (response) => {
        const status = response.statusCode ?? 0;
        if (status !== 200) {
          response.destroy();
          const redirect = status >= 300 && status < 400 ? " (redirects are not followed)" : "";
          reject(new JwksFetchRefusal(`the JWKS endpoint answered HTTP ${status}${redirect}`));
          return;
        }
        readCapped(response, options.maxBytes).then((body) => {
          seen({ cacheControl: response.headers["cache-control"] ?? null });
          resolve(new Response(body.byteLength === 0 ? null : (body as Uint8Array<ArrayBuffer>), { status, headers: webHeaders(response) }));
        }, reject);
      });
      // jose's timeout is this signal: its reason (a TimeoutError) is what jose reports as JWKSTimeout.
      const abort = () => {
        request.destroy();
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", abort, { once: true });
      request.on("close", () => signal?.removeEventListener("abort", abort));
      request.on("error", reject);
      request.end();
    });
}
