// The LDAP options, checked once at start: defaults, and one TypeError naming the first bad
// setting for malformed, oversized and hostile values (filter syntax smuggled into names).
import { describe, expect, it } from "vitest";
import { ldapOptionsFromEnv, ldapSettings, type LdapOptions } from "../../../strategy/sources/ldap/options.js";

const base: LdapOptions = { url: "ldaps://ldap.example.com", baseDn: "ou=people,dc=example,dc=com" };

describe("ldapSettings", () => {
  it("applies crtauth's defaults", () => {
    expect(ldapSettings(base)).toMatchObject({
      keyAttribute: "sshPublicKey",
      userObjectClass: "posixAccount",
      usernameAttribute: "uid",
      refreshMs: 60_000,
      startTls: false,
      groupDn: undefined,
      filter: undefined,
    });
  });

  it("allows plain ldap:// to loopback, and elsewhere only with StartTLS or an explicit opt-in", () => {
    expect(() => ldapSettings({ ...base, url: "ldap://127.0.0.1:3389" })).not.toThrow();
    expect(() => ldapSettings({ ...base, url: "ldap://localhost" })).not.toThrow();
    expect(() => ldapSettings({ ...base, url: "ldap://ldap.example.com" })).toThrow(/in clear/);
    expect(() => ldapSettings({ ...base, url: "ldap://ldap.example.com", startTls: true })).not.toThrow();
    expect(() => ldapSettings({ ...base, url: "ldap://ldap.example.com", allowPlaintext: true })).not.toThrow();
    expect(() => ldapSettings({ ...base, startTls: true })).toThrow("startTls is for ldap:// URLs");
  });

  it.each([
    [{ url: "http://ldap.example.com" }, 'option "url"'],
    [{ url: "ldaps://ldap.example.com/dc=example?uid?sub" }, 'option "url"'],
    [{ url: "ldaps://" }, 'option "url"'],
    [{ baseDn: "" }, 'option "baseDn"'],
    [{ baseDn: "x".repeat(5000) }, 'option "baseDn"'],
    [{ keyAttribute: "sshPublicKey)(uid=*" }, 'option "keyAttribute"'],
    [{ userObjectClass: "*" }, 'option "userObjectClass"'],
    [{ usernameAttribute: "uid=*)(|(uid" }, 'option "usernameAttribute"'],
    [{ filter: "memberOf=cn=ssh" }, 'option "filter"'],
    [{ filter: `(${"x".repeat(5000)})` }, 'option "filter"'],
    [{ refreshSeconds: 0 }, 'option "refreshSeconds"'],
    [{ refreshSeconds: 1.5 }, 'option "refreshSeconds"'],
    [{ bindDn: "cn=reader,dc=example,dc=com" }, "bindDn and bindPassword go together"],
    [{ colour: "blue" }, 'unknown option "colour"'],
  ] as [Partial<LdapOptions>, string][])("refuses %j", (change, message) => {
    expect(() => ldapSettings({ ...base, ...change })).toThrow(message);
  });
});

describe("ldapOptionsFromEnv", () => {
  it("is null without LDAP_URL, and reads every variable", () => {
    expect(ldapOptionsFromEnv({})).toBeNull();
    expect(ldapOptionsFromEnv({ LDAP_URL: " " })).toBeNull();
    expect(
      ldapOptionsFromEnv({
        LDAP_URL: "ldap://ldap.example.com",
        LDAP_BASE_DN: "dc=example,dc=com",
        LDAP_BIND_DN: "cn=reader,dc=example,dc=com",
        LDAP_BIND_PASSWORD: "secret",
        LDAP_STARTTLS: "1",
        LDAP_GROUP_DN: "cn=ssh,ou=groups,dc=example,dc=com",
        LDAP_REFRESH_SECONDS: "30",
      }),
    ).toMatchObject({ startTls: true, bindPassword: "secret", groupDn: "cn=ssh,ou=groups,dc=example,dc=com", refreshSeconds: 30 });
  });

  it.each([
    [{ LDAP_BASE_DN: "" }, "LDAP_BASE_DN must be set"],
    [{ LDAP_STARTTLS: "true" }, "LDAP_STARTTLS must be 0 or 1"],
    [{ LDAP_ALLOW_PLAINTEXT: "yes" }, "LDAP_ALLOW_PLAINTEXT must be 0 or 1"],
    [{ LDAP_REFRESH_SECONDS: "1e400" }, "LDAP_REFRESH_SECONDS must be a whole number"],
    [{ LDAP_CA_FILE: "/nonexistent/ca.pem" }, "LDAP_CA_FILE: cannot read /nonexistent/ca.pem (ENOENT)"],
  ])("refuses %j", (change, message) => {
    expect(() => ldapOptionsFromEnv({ LDAP_URL: "ldap://127.0.0.1", LDAP_BASE_DN: "dc=example,dc=com", ...change })).toThrow(message);
  });
});
