import net from "node:net";

function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1";
}

/**
 * Why this URL may not be fetched, or null: keys read over plain http could be swapped by
 * anyone on the path, so http is fetched only from loopback unless `allowHttp` is set.
 */
export function unfetchableReason(url: string, allowHttp: boolean): string | null {
  const parsed = new URL(url);
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:" && (allowHttp || isLoopback(parsed.hostname))) return null;
  return "only https:// JWKS URLs are fetched (http:// only on loopback, or with the jwks.allowHttp option)";
}
