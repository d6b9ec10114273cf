import http, { type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import https from "node:https";
import net from "node:net";
import { FetchRefusal, guardedLookup, isPublicAddress, nonPublicRefusal, type Resolver } from "./address-policy.js";

export interface GuardedGetOptions {
  maxBytes: number;
  /** Connect to loopback, private, link-local… addresses too (an internal server, a test). */
  allowPrivateAddresses: boolean;
  /** Name resolution for the address check (tests hand a fake one). */
  resolve?: Resolver | undefined;
  /** What is fetched, for messages: "the JWKS response is larger than…". */
  what: string;
  headers?: Record<string, string> | undefined;
  signal?: AbortSignal | undefined;
  /** POST this body instead of a GET (webhooks). */
  post?: string | undefined;
  /** Answer with the status only, reading none of any body (webhooks: a receiver's answer is not ours to hold). */
  statusOnly?: boolean | undefined;
}

/** An answer: its body is read (within the cap) only for a 200; any other status carries none. */
export interface GuardedResponse {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

function readCapped(response: IncomingMessage, maxBytes: number, what: string): Promise<Buffer> {
  const tooLarge = () => new FetchRefusal(`${what} is larger than ${maxBytes} bytes`);
  return new Promise((resolve, reject) => {
    const declared = Number(response.headers["content-length"]);
    if (Number.isFinite(declared) && declared > maxBytes) {
      response.destroy();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let total = 0;
    response.on("data", (chunk: Buffer) => {
      total += chunk.byteLength;
      if (total > maxBytes) {
        response.destroy();
        reject(tooLarge());
      } else chunks.push(chunk);
    });
    response.on("end", () => resolve(Buffer.concat(chunks)));
    response.on("error", reject);
    response.on("close", () => reject(new Error(`${what} was cut off`)));
  });
}

/**
 * One GET (or, with `post`, a POST) over node's http(s), so that where it connects can be checked: unless
 * `allowPrivateAddresses`, a literal IP that is not public is refused before connecting, and a
 * host name through a lookup hook that refuses it when any address it resolves to is not public,
 * at connection time (a name rebound to 127.0.0.1 after it was added is caught). It reads at most
 * `maxBytes` of a 200's body, never follows a redirect (a 3xx is answered like any status), and
 * gives up when `signal` aborts, with its reason. The JWKS key source, key import and webhooks share it.
 */
export function guardedGet(url: string, options: GuardedGetOptions): Promise<GuardedResponse> {
  const lookup = options.allowPrivateAddresses ? undefined : guardedLookup(options.resolve);
  return new Promise<GuardedResponse>((resolve, reject) => {
    const target = new URL(url);
    const host = target.hostname.replace(/^\[(.*)\]$/, "$1");
    if (lookup && net.isIP(host) !== 0 && !isPublicAddress(host)) {
      reject(new FetchRefusal(nonPublicRefusal));
      return;
    }
    const { signal } = options;
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const client = target.protocol === "https:" ? https : http;
    // One connection per fetch (agent: false): no pooled socket outlives the check it passed.
    const method = options.post === undefined ? "GET" : "POST";
    const request = client.request(target, { method, headers: options.headers, agent: false, lookup }, (response) => {
      const status = response.statusCode ?? 0;
      if (status !== 200 || options.statusOnly) {
        response.destroy();
        resolve({ status, headers: response.headers, body: Buffer.alloc(0) });
        return;
      }
      readCapped(response, options.maxBytes, options.what).then((body) => resolve({ status, headers: response.headers, body }), reject);
    });
    const abort = () => {
      request.destroy();
      reject(signal!.reason);
    };
    signal?.addEventListener("abort", abort, { once: true });
    request.on("close", () => signal?.removeEventListener("abort", abort));
    request.on("error", reject);
    request.end(options.post);
  });
}
