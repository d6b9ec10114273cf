// The JWKS fetch's address check, by itself: which addresses are public, the lookup hook that
// refuses a host resolving anywhere else, and that the check runs at each fetch (DNS rebinding),
// with a fake resolver standing in for DNS.
import type { LookupAddress } from "node:dns";
import { afterEach, describe, expect, it } from "vitest";
import { guardedLookup, isPublicAddress, nonPublicRefusal, type ResolvedAddress } from "../../strategy/net/address-policy.js";
import { jwksSettings } from "../../strategy/jwks/options.js";
import { RemoteJwksKeySource } from "../../strategy/jwks/remote-key-source.js";
import { JwksUnavailableError } from "../../strategy/store/ports.js";
import { startJwksServer, type JwksServer } from "../support/jwks-server.js";

describe("isPublicAddress", () => {
  it.each(["8.8.8.8", "93.184.216.34", "172.32.0.1", "100.128.0.1", "192.0.2.1", "2606:4700::1111", "::ffff:8.8.8.8", "64:ff9b::808:808"])(
    "%s is public",
    (address) => expect(isPublicAddress(address)).toBe(true),
  );

  it.each([
    ["127.0.0.1", "loopback"],
    ["127.255.255.254", "loopback"],
    ["::1", "loopback"],
    ["10.0.0.1", "private"],
    ["172.16.0.1", "private"],
    ["172.31.255.255", "private"],
    ["192.168.1.1", "private"],
    ["fc00::1", "unique local"],
    ["fd12:3456::1", "unique local"],
    ["169.254.169.254", "link-local (cloud metadata)"],
    ["fe80::1", "link-local"],
    ["100.64.0.1", "CGNAT"],
    ["0.0.0.0", "unspecified"],
    ["::", "unspecified"],
    ["224.0.0.1", "multicast"],
    ["ff02::1", "multicast"],
    ["255.255.255.255", "broadcast"],
    ["::ffff:127.0.0.1", "IPv4-mapped loopback"],
    ["::ffff:169.254.169.254", "IPv4-mapped metadata"],
    ["::ffff:a00:1", "IPv4-mapped private, in hex"],
    ["64:ff9b::7f00:1", "NAT64 of loopback"],
    ["64:ff9b::a9fe:a9fe", "NAT64 of the metadata address"],
    ["localhost", "not an address at all"],
  ])("%s (%s) is not", (address) => expect(isPublicAddress(address)).toBe(false));
});

/** The hook's answer for `hostname` when the resolver says `addresses`. */
function lookUp(addresses: ResolvedAddress[], all: boolean): Promise<{ error: NodeJS.ErrnoException | null; result: string | LookupAddress[] }> {
  const lookup = guardedLookup(() => Promise.resolve(addresses));
  return new Promise((resolve) => lookup("jwks.test", { all }, (error, result) => resolve({ error, result })));
}

describe("guardedLookup", () => {
  it("hands on a host's public addresses, one or all as asked", async () => {
    const addresses = [
      { address: "93.184.216.34", family: 4 },
      { address: "2606:2800:220:1::1", family: 6 },
    ];
    expect(await lookUp(addresses, false)).toEqual({ error: null, result: "93.184.216.34" });
    expect(await lookUp(addresses, true)).toEqual({ error: null, result: addresses });
  });

  it.each([
    [[{ address: "127.0.0.1", family: 4 }]],
    [[{ address: "::1", family: 6 }]],
    // One private address among public ones is enough: the socket may pick any of them.
    [
      [
        { address: "93.184.216.34", family: 4 },
        { address: "169.254.169.254", family: 4 },
      ],
    ],
    [[]],
  ])("refuses a host resolving to %j", async (addresses) => {
    for (const all of [false, true]) {
      const { error } = await lookUp(addresses, all);
      expect(error?.message).toBe(nonPublicRefusal);
      expect(error?.code).toBe("ENONPUBLIC");
    }
  });
});

describe("the JWKS fetch", () => {
  let jwks: JwksServer | undefined;
  afterEach(async () => {
    await jwks?.close();
    jwks = undefined;
  });

  it("checks where a name resolves at each fetch: public when first read, rebound to loopback later, refused without connecting", async () => {
    jwks = await startJwksServer({ body: { keys: [] } });
    const port = new URL(jwks.url).port;
    const answers = [[{ address: "192.0.2.1", family: 4 }], [{ address: "127.0.0.1", family: 4 }]];
    let resolved = 0;
    const clock = { now: 0 };
    const failures: (string | null)[] = [];
    const source = new RemoteJwksKeySource(
      jwksSettings({ timeoutMs: 300, allowHttp: true }),
      () => clock.now,
      {},
      (_url, error) => failures.push(error),
      () => Promise.resolve(answers[resolved++]!),
    );
    const url = `http://jwks.test:${port}/.well-known/jwks.json`;
    // The public address (a documentation range) passes the check; nothing answers there.
    await expect(source.findKey(url, "ES256", "k")).rejects.toBeInstanceOf(JwksUnavailableError);
    expect(failures[0]).not.toBe(nonPublicRefusal);
    clock.now += 60_000;
    await expect(source.findKey(url, "ES256", "k")).rejects.toThrow(nonPublicRefusal);
    expect([resolved, failures[1], jwks.fetches]).toEqual([2, nonPublicRefusal, 0]);
  });
});
