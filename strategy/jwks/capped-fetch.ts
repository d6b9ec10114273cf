/** What a capped fetch learnt besides the body: the response's Cache-Control. */
export interface FetchedHeaders {
  cacheControl: string | null;
}

async function readCapped(response: Response, maxBytes: number): Promise<Uint8Array> {
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new Error(`the JWKS response is larger than ${maxBytes} bytes`);
  }
  const chunks: Uint8Array[] = [];
  let total = 0;
  if (response.body) {
    const reader = response.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      total += value.byteLength;
      if (total > maxBytes) {
        await reader.cancel();
        throw new Error(`the JWKS response is larger than ${maxBytes} bytes`);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}

/**
 * A fetch for jose's remote JWK set that reads at most `maxBytes` of the body (jose reads
 * whatever it is sent) and hands the response's Cache-Control to `seen`. jose asks for
 * `redirect: "manual"`, so a redirect is a non-200 answer and is never followed.
 */
export function cappedFetch(maxBytes: number, seen: (headers: FetchedHeaders) => void) {
  return async (url: string, init: RequestInit): Promise<Response> => {
    const response = await fetch(url, init);
    const body = await readCapped(response, maxBytes);
    seen({ cacheControl: response.headers.get("cache-control") });
    return new Response(body.byteLength === 0 ? null : (body as Uint8Array<ArrayBuffer>), { status: response.status, headers: response.headers });
  };
}
