// The LDAP key source over TLS, against a slapd with a certificate from a test CA: ldaps:// and
// StartTLS with LDAP_CA_FILE's CA read the directory; a certificate no trusted CA signed is a
// failed read, which changes nothing. Transport does not depend on the store: memory only.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../../strategy/keys/index.js";
import { runLdapSync } from "../../../strategy/sources/ldap/run.js";
import type { LdapOptions } from "../../../strategy/sources/ldap/options.js";
import { createMemoryStore, type SshKeyStore } from "../../../strategy/store/index.js";
import { freshKeyPair } from "../../support/fresh-keys.js";
import { adminDn, adminPassword, baseDn, slapdMissing, startSlapd, type Slapd } from "../../support/slapd.js";
import { spkiPem } from "../../support/tokens.js";

describe.skipIf(slapdMissing !== null)("the LDAP key source over TLS", () => {
  let ldap: Slapd;
  let store: SshKeyStore;
  const key = parsePublicKey(spkiPem(freshKeyPair("ed25519").privateKey)).openssh;
  const sync = (options: Omit<LdapOptions, "baseDn">) => runLdapSync({ store, ldap: { baseDn, bindDn: adminDn, bindPassword: adminPassword, ...options } });

  beforeAll(async () => {
    ldap = await startSlapd({ tls: true });
    await ldap.addUser("alice", [key]);
  });
  afterAll(() => ldap?.close());

  it("refuses a certificate no trusted CA signed, changing nothing", async () => {
    store = createMemoryStore();
    const outcome = await sync({ url: ldap.ldapsUrl! });
    expect(outcome.ok).toBe(false);
    expect(!outcome.ok && outcome.error).toMatch(/certificate/i);
    expect(await store.directory.listUsers()).toEqual([]);
    const startTls = await sync({ url: ldap.url, startTls: true });
    expect(startTls.ok).toBe(false);
  });

  it("reads the directory over ldaps:// with the CA", async () => {
    store = createMemoryStore();
    const outcome = await sync({ url: ldap.ldapsUrl!, ca: ldap.ca });
    expect(outcome).toMatchObject({ ok: true, report: { createdUsers: ["alice"] } });
  });

  it("reads the directory over ldap:// upgraded with StartTLS", async () => {
    store = createMemoryStore();
    const outcome = await sync({ url: ldap.url, startTls: true, ca: ldap.ca });
    expect(outcome).toMatchObject({ ok: true, report: { createdUsers: ["alice"] } });
  });
});
