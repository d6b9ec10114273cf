/**
 * What RFC 9421 signs, described without a transport: the server builds one from its request
 * view, the client from a fetch-style request, so both derive components with the same code.
 */

/** A field's value(s) by lower-case name, as many times as it was sent; undefined when absent. */
export type HeaderLookup = (lowerCaseName: string) => string | readonly string[] | undefined;

export interface HttpMessage {
  /** The request method, as sent ("POST"). */
  readonly method: string;
  /**
   * The absolute target URI as the signer addressed it: `scheme://authority/path?query`. Its
   * path and query are used exactly as written (no dot-segment or percent-encoding normalisation),
   * so a server passes the request target as received.
   */
  readonly targetUri: string;
  readonly header: HeaderLookup;
  /** A response's status code (`@status`); absent for a request. */
  readonly status?: number | undefined;
}

/** A header lookup over a plain object (node's IncomingHttpHeaders, a fetch init's record), names matched case-insensitively. */
export function headerLookup(headers: Readonly<Record<string, string | readonly string[] | number | undefined>>): HeaderLookup {
  const byName = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    const values = byName.get(key) ?? [];
    if (Array.isArray(value)) values.push(...(value as readonly string[]));
    else values.push(String(value as string | number));
    byName.set(key, values);
  }
  return (name) => byName.get(name);
}

/** The parts of an absolute URI RFC 9421's derived components read (§2.2). */
export interface TargetUriParts {
  /** Lower-cased scheme without ":" ("https"). */
  readonly scheme: string;
  /** Lower-cased host with a non-default port (§2.2.3: "example.com", "example.com:8443"). */
  readonly authority: string;
  /** The absolute path, "/" when empty (§2.2.6). */
  readonly path: string;
  /** The query without "?", or null when the URI has none. */
  readonly query: string | null;
}

const absoluteUri = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)([^?#]*)(?:\?([^#]*))?$/;
const defaultPorts: Readonly<Record<string, string>> = { http: "80", https: "443" };

/** Splits an absolute URI without normalising its path or query; null when it is not one (or has a fragment). */
export function splitTargetUri(uri: string): TargetUriParts | null {
  const match = absoluteUri.exec(uri);
  if (!match) return null;
  const scheme = match[1]!.toLowerCase();
  let authority = match[2]!.toLowerCase();
  if (authority === "" || authority.includes("@")) return null;
  const port = /:(\d*)$/.exec(authority);
  if (port && (port[1] === "" || port[1] === defaultPorts[scheme])) authority = authority.slice(0, port.index);
  return { scheme, authority, path: match[3] === "" ? "/" : match[3]!, query: match[4] ?? null };
}
