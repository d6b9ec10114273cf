import { fetchableUrl } from "../../net/url-policy.js";

/**
 * A webhook URL as stored (WHATWG href), or null when it may not be one: https anywhere, plain
 * http only to a loopback host (a sidecar, a test), no credentials, at most 2048 characters.
 * Where an https host resolves to is checked again at each delivery (net/address-policy).
 */
export function webhookUrl(text: string): string | null {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return null;
  }
  if (url.username || url.password || url.href.length > 2048) return null;
  return fetchableUrl(url.href, { allowHttp: false, allowPrivateAddresses: true }) ? url.href : null;
}
