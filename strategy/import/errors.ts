import { SshKeyError } from "../errors.js";

export type ImportErrorCode =
  /** Not gh:LOGIN, gitlab:[HOST/]LOGIN or an http(s) URL, or a URL this server will not fetch. */
  | "invalid_source"
  /** Upstream asked us to wait (`retryAfter`), or it did earlier and the time has not come. */
  | "rate_limited"
  /** Upstream answered 404: no such login there. */
  | "upstream_not_found"
  /** Upstream could not be read: unreachable, too slow, too large, another status, not a key list. */
  | "upstream_unavailable"
  /** A signature that does not prove holding the key. */
  | "possession_not_proven";

/**
 * A key import, sync or proof of possession refused because of its input or upstream. Its
 * message is safe to show the source's owner: it never names an internal address.
 */
export class ImportError extends SshKeyError<ImportErrorCode, { retryAfter?: Date | undefined }> {
  override readonly name = "ImportError";
}
