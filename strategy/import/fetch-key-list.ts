import { keyLimits } from "../keys/policy.js";
import type { Resolver } from "../net/address-policy.js";
import { fetchFailureText } from "../net/failure-text.js";
import { guardedGet } from "../net/guarded-get.js";
import { ImportError } from "./errors.js";
import type { KeyImportSettings } from "./options.js";
import { rateLimitedUntil } from "./rate-limit.js";
import type { SourceRef } from "./source-ref.js";

const thing = { endpoint: "the key list server", host: "the key list's host name" };

/**
 * The text of a source's key list, or an ImportError saying why not: `rate_limited` with the
 * time upstream named, `upstream_not_found` for a 404, `upstream_unavailable` for anything else
 * (unreachable, too slow, too large, another status). Fetched as JWKS sets are (net/guarded-get).
 */
export async function fetchKeyList(source: SourceRef, settings: KeyImportSettings, nowMs: number, resolve?: Resolver): Promise<string> {
  let response;
  try {
    response = await guardedGet(source.url, {
      // A list is read as a paste is: larger is not a key list.
      maxBytes: keyLimits.maxPasteBytes,
      allowPrivateAddresses: settings.allowPrivateAddresses,
      resolve,
      what: "the key list",
      headers: { accept: "text/plain", "user-agent": "passport-sshkey" },
      signal: AbortSignal.timeout(settings.timeoutMs),
    });
  } catch (error) {
    const text = fetchFailureText(error, thing) ?? "the key list could not be read";
    throw new ImportError("upstream_unavailable", `${source.ref}: ${text}`, { cause: error });
  }
  const until = rateLimitedUntil(response.status, response.headers, nowMs);
  if (until !== null) {
    throw new ImportError("rate_limited", `${source.ref}: upstream is rate limiting us; try again after ${until.toISOString()}`, {
      detail: { retryAfter: until },
    });
  }
  if (response.status === 404) throw new ImportError("upstream_not_found", `${source.ref}: upstream knows no such user or list (HTTP 404)`);
  if (response.status !== 200) {
    const redirect = response.status >= 300 && response.status < 400 ? " (redirects are not followed)" : "";
    throw new ImportError("upstream_unavailable", `${source.ref}: upstream answered HTTP ${response.status}${redirect}`);
  }
  const text = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });
  try {
    return text.decode(response.body);
  } catch {
    throw new ImportError("upstream_unavailable", `${source.ref}: the key list is not UTF-8 text`);
  }
}
