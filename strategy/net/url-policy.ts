import net from "node:net";

function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1";
}

/** The two settings a fetch's URL is judged by (JWKS and key import have their own of each). */
export interface UrlSettings {
  allowHttp: boolean;
  allowPrivateAddresses: boolean;
}

/**
 * Whether this URL may be fetched: keys read over plain http could be swapped by anyone on the
 * path, so http is fetched only with `allowHttp`, or from a loopback host (a sidecar, a test)
 * when private addresses are allowed at all. Where the host resolves to is checked when the
 * fetch connects (address-policy).
 */
export function fetchableUrl(url: string, settings: UrlSettings): boolean {
  const parsed = new URL(url);
  if (parsed.protocol === "https:") return true;
  return parsed.protocol === "http:" && (settings.allowHttp || (settings.allowPrivateAddresses && isLoopback(parsed.hostname)));
}
