import { describe, expect, it } from "vitest";
import { addressListAllows, fromListAllows, fromListProblem } from "../../strategy/keys/address-match.js";

describe("from= as sshd (UseDNS no) matches it", () => {
  it.each([
    ["10.0.0.0/8", "10.1.2.3", true],
    ["10.0.0.0/8", "192.0.2.1", false],
    ["10.0.0.0/8", "::ffff:10.1.2.3", true],
    ["192.0.2.*", "192.0.2.77", true],
    ["192.0.2.?", "192.0.2.7", true],
    ["192.0.2.?", "192.0.2.77", false],
    ["*", "203.0.113.9", true],
    ["*,!10.9.9.9", "10.9.9.9", false],
    ["!10.9.9.9,*", "10.9.9.9", false],
    ["*,!10.0.0.0/8", "10.200.0.1", false],
    ["*,!10.0.0.0/8", "11.0.0.1", true],
    ["2001:db8::/32", "2001:db8::5", true],
    ["2001:DB8::*", "2001:db8::5", true],
    ["127.0.0.1", "127.0.0.1", true],
    ["::1", "::1", true],
    // No reverse DNS: a host name never matches an address.
    ["localhost", "127.0.0.1", false],
    ["*.example.com", "192.0.2.1", false],
    ["!10.9.9.9", "192.0.2.1", false],
  ])("%s with %s: %s", (list, address, allowed) => {
    expect(fromListAllows(list, address)).toBe(allowed);
  });

  it("no client address, or a list sshd would refuse, allows no one", () => {
    expect(fromListAllows("*", null)).toBe(false);
    expect(fromListAllows("10.0.0.0/99", "10.0.0.1")).toBe(false);
    expect(fromListAllows("", "10.0.0.1")).toBe(false);
  });

  it("validates patterns", () => {
    expect(fromListProblem("10.0.0.0/8,!192.0.2.*,host-1.example.com,2001:db8::/32")).toBeNull();
    expect(fromListProblem("a b")).not.toBeNull();
    expect(fromListProblem("10.0.0.0/x")).not.toBeNull();
  });

  it("the certificate's source-address reads plain addresses and blocks only", () => {
    expect(addressListAllows("10.0.0.0/8,2001:db8::/32", "10.1.1.1")).toBe(true);
    expect(addressListAllows("10.0.0.0/8", "192.0.2.1")).toBe(false);
    expect(addressListAllows("10.0.0.*", "10.0.0.1")).toBeNull();
    expect(addressListAllows("10.0.0.0/8", null)).toBe(false);
  });
});
