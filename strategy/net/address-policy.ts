import dns from "node:dns";
import net, { type LookupFunction } from "node:net";

/** IPv4 ranges that are not the public internet: a fetch there (JWKS, key import) would probe the server's own network. */
const nonPublicV4: ReadonlyArray<readonly [string, number]> = [
  ["0.0.0.0", 8], // "this network", unspecified
  ["10.0.0.0", 8],
  ["100.64.0.0", 10], // carrier-grade NAT
  ["127.0.0.0", 8],
  ["169.254.0.0", 16], // link-local, cloud metadata (169.254.169.254)
  ["172.16.0.0", 12],
  ["192.0.0.0", 24], // IETF protocol assignments
  ["192.168.0.0", 16],
  ["198.18.0.0", 15], // benchmarking
  ["224.0.0.0", 4], // multicast
  ["240.0.0.0", 4], // reserved, broadcast
];

const nonPublicV6: ReadonlyArray<readonly [string, number]> = [
  ["::", 96], // unspecified, loopback, IPv4-compatible
  ["64:ff9b:1::", 48], // local-use NAT64
  ["fc00::", 7], // unique local
  ["fe80::", 10], // link-local
  ["fec0::", 10], // site-local (deprecated, still routed by some)
  ["ff00::", 8], // multicast
];

/** The well-known NAT64 prefix (RFC 6052) holding `v4` in its last 32 bits, e.g. 127.0.0.0 → 64:ff9b::7f00:0. */
function nat64(v4: string): string {
  const [a, b, c, d] = v4.split(".").map(Number) as [number, number, number, number];
  return `64:ff9b::${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
}

const nonPublic = new net.BlockList();
for (const [prefix, bits] of nonPublicV4) {
  // node's BlockList matches IPv4-mapped IPv6 (::ffff:127.0.0.1) against IPv4 rules itself.
  nonPublic.addSubnet(prefix, bits, "ipv4");
  nonPublic.addSubnet(nat64(prefix), 96 + bits, "ipv6");
}
for (const [prefix, bits] of nonPublicV6) nonPublic.addSubnet(prefix, bits, "ipv6");

/** Whether `address` (an IP literal) is on the public internet; anything that is not an IP is not. */
export function isPublicAddress(address: string): boolean {
  const family = net.isIPv4(address) ? "ipv4" : net.isIPv6(address) ? "ipv6" : null;
  return family !== null && !nonPublic.check(address, family);
}

/** The one text a refused address shows: which internal address it was is nobody's business. */
export const nonPublicRefusal = "refused: the host resolves to a non-public address";

/** A fetch refused before or instead of connecting, with a message safe to show the URL's owner. */
export class FetchRefusal extends Error {}

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Name resolution as the guarded lookup needs it: every address of `hostname` (of `family`, 0 for any). */
export type Resolver = (hostname: string, family: number) => Promise<ResolvedAddress[]>;

const systemResolver: Resolver = (hostname, family) => dns.promises.lookup(hostname, { all: true, family });

/**
 * A `lookup` for node's http(s).request that refuses a host any of whose addresses is not public.
 * The check runs when the socket connects, on the addresses it will connect to, so a name that
 * resolved public earlier and private now (DNS rebinding) is refused.
 */
export function guardedLookup(resolve: Resolver = systemResolver): LookupFunction {
  return (hostname, options, callback) => {
    resolve(hostname, options.family === 4 || options.family === 6 ? options.family : 0).then(
      (addresses) => {
        if (addresses.length === 0 || !addresses.every((a) => isPublicAddress(a.address))) {
          callback(Object.assign(new FetchRefusal(nonPublicRefusal), { code: "ENONPUBLIC" }), "", 0);
        } else if (options.all) {
          callback(null, addresses);
        } else {
          callback(null, addresses[0]!.address, addresses[0]!.family);
        }
      },
      (error: NodeJS.ErrnoException) => callback(error, "", 0),
    );
  };
}
