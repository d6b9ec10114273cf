import express from "express";

/** What Express's "trust proxy" setting accepts, short of a function. */
export type TrustProxy = boolean | number | string;

/**
 * Reads TRUST_PROXY the way Express means it: `true`/`false`, a hop count (`1`, `2`: trust
 * that many proxies in front), or a comma-separated list of addresses, subnets and the names
 * `loopback`, `linklocal`, `uniquelocal`. Handed to Express as text, `true` is compiled as an
 * address (a crash at startup) and `1` as the IPv4 address 0.0.0.1, hence this step.
 * Throws a TypeError naming the variable for anything Express would not compile.
 */
export function parseTrustProxy(text: string | undefined): TrustProxy {
  const value = text?.trim() ?? "";
  if (value === "" || /^(false|no|off)$/i.test(value)) return false;
  if (/^(true|yes|on)$/i.test(value)) return true;
  if (/^\d+$/.test(value)) return Number(value);
  const list = value
    .split(",")
    .map((part) => part.trim())
    .filter(Boolean)
    .join(",");
  try {
    // Express compiles the list at once (proxy-addr); a bad entry throws here, not per request.
    express().set("trust proxy", list);
  } catch (error) {
    throw new TypeError(`TRUST_PROXY: ${error instanceof Error ? error.message : String(error)} (expected true, false, a hop count, or addresses/subnets)`);
  }
  return list;
}
