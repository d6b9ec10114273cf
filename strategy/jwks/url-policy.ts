import net from "node:net";
import type { JwksSettings } from "./options.js";

function isLoopback(hostname: string): boolean {
  const host = hostname.startsWith("[") ? hostname.slice(1, -1) : hostname;
  if (host === "localhost") return true;
  if (net.isIPv4(host)) return host.startsWith("127.");
  return host === "::1";
}

/**
 * Why this URL may not be fetched, or null: keys read over plain http could be swapped by
 * anyone on the path, so http is fetched only with `allowHttp`, or from a loopback host (a
 * sidecar, a test) when private addresses are allowed at all. Where the host resolves to is
 * checked when the fetch connects (address-policy).
 */
export function unfetchableReason(url: string, settings: Pick<JwksSettings, "allowHttp" | "allowPrivateAddresses">): string | null {
  const parsed = new URL(url);
  if (parsed.protocol === "https:") return null;
  if (parsed.protocol === "http:" && (settings.allowHttp || (settings.allowPrivateAddresses && isLoopback(parsed.hostname)))) return null;
  return "only https:// JWKS URLs are fetched (http:// with the jwks.allowHttp option, or on loopback with jwks.allowPrivateAddresses)";
}
