import { FetchRefusal } from "./address-policy.js";

/** How a failure message names what was fetched: "the JWKS endpoint", "the JWKS host name". */
export interface FetchedThing {
  endpoint: string;
  host: string;
}

/**
 * A failed fetch as its URL's owner sees it (console, admin API, CLI): what went wrong, by the
 * error's code, never the underlying error's text, which can name internal hosts, addresses and
 * ports. Null when the error is none of the fetch's own (the caller words the rest).
 */
export function fetchFailureText(error: unknown, thing: FetchedThing): string | null {
  if (error instanceof FetchRefusal) return error.message;
  if ((error as Error | null)?.name === "TimeoutError") return `${thing.endpoint} did not answer in time`;
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (typeof code !== "string") return null;
  const failures: Record<string, string> = {
    ECONNREFUSED: `${thing.endpoint} refused the connection`,
    ENOTFOUND: `${thing.host} does not resolve`,
    EAI_AGAIN: `${thing.host} could not be resolved`,
    ECONNRESET: `${thing.endpoint} closed the connection`,
    EHOSTUNREACH: `${thing.endpoint} cannot be reached`,
    ENETUNREACH: `${thing.endpoint} cannot be reached`,
  };
  if (Object.hasOwn(failures, code)) return failures[code]!;
  if (/^(ERR_TLS|ERR_SSL|CERT_|UNABLE_TO|DEPTH_ZERO|SELF_SIGNED)/.test(code)) return `the TLS connection to ${thing.endpoint} failed`;
  return null;
}
