import { AuthError } from "../../errors.js";
import { MAX_SERVER_NAME_LENGTH, MAX_USERNAME_CHARS } from "./constants.js";

// C0 controls, DEL and C1 controls: never part of a username, dangerous in logs.
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const SERVER_NAME = /^[A-Za-z0-9.-]+$/;

/**
 * A username as the spec allows it: 1..64 characters (code points) of UTF-8, and,
 * stricter than upstream, no control characters. Throws AuthError("invalid_claim").
 */
export function checkUsername(username: string): string {
  // The UTF-16 length bounds the code point count from above, so only a longer name needs
  // counting (the spread allocates an array, and this runs per request).
  const chars = username.length <= MAX_USERNAME_CHARS ? username.length : [...username].length;
  if (chars === 0 || chars > MAX_USERNAME_CHARS) {
    throw new AuthError("invalid_claim", "crtauth username must be 1 to 64 characters", {
      detail: { length: chars },
    });
  }
  if (CONTROL.test(username)) {
    throw new AuthError("invalid_claim", "crtauth username contains control characters");
  }
  return username;
}

/**
 * A server name the Python server would accept (letters, digits, `.` and `-`, at most
 * 255): every client compares it with the host part of the URL. Misconfiguration,
 * so a TypeError.
 */
export function assertServerName(serverName: string): string {
  if (typeof serverName !== "string" || !SERVER_NAME.test(serverName) || serverName.length > MAX_SERVER_NAME_LENGTH) {
    throw new TypeError("crtauth serverName must be 1..255 letters, digits, '.' or '-' (the host name clients connect to)");
  }
  return serverName;
}

const HOST_NAME = /^[a-z0-9.-]{1,255}$/;

/**
 * The name a challenge carries and a response must name: the configured one, else the
 * request's Host without its port, lower-cased as clients' URL parsers lower-case it.
 * Throws AuthError("malformed_header") for a Host crtauth cannot use.
 */
export function crtauthServerName(configured: string | undefined, host: string): string {
  if (configured !== undefined) return configured;
  const lower = host.toLowerCase();
  const name = lower.startsWith("[") ? lower : lower.replace(/:\d*$/, "");
  if (!HOST_NAME.test(name)) throw new AuthError("malformed_header", "the Host header is not a name crtauth can use; configure serverName");
  return name;
}
