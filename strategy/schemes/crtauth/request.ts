import { AuthError } from "../../errors.js";
import { decodeBase64Url } from "./base64.js";
import { decodeRequest } from "./messages.js";
import { checkUsername } from "./names.js";

export interface ParsedRequest {
  version: 0 | 1;
  username: string;
}

/**
 * Reads the value of `X-CHAP: request:<value>`. A v1 request is base64url msgpack
 * (`01 71 str`). With `allowLegacy`, a value that is not a v1 request is taken as a
 * bare v0 username, as the Python server does; otherwise it is refused. Throws
 * AuthError: malformed_token, unsupported_version, credentials_too_large, invalid_claim.
 */
export function parseRequest(value: string, opts: { allowLegacy?: boolean } = {}): ParsedRequest {
  try {
    return { version: 1, username: decodeRequest(decodeBase64Url(value)).username };
  } catch (err) {
    const notV1 = err instanceof AuthError && (err.code === "malformed_token" || err.code === "unsupported_version");
    if (!opts.allowLegacy || !notV1) throw err;
    return { version: 0, username: checkUsername(value) };
  }
}
