// A real OpenLDAP slapd for the LDAP key source tests: a cn=config written with slapadd into a
// temporary directory (core, cosine, nis, inetorgperson and the openssh-lpk fixture schema), one
// mdb database, listening on a free loopback port, run in the foreground (-d 0) as the test's user.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { Attribute, Change, Client } from "ldapts";
import { freePort } from "./free-port.js";

const slapd = "/usr/sbin/slapd";
const slapadd = "/usr/sbin/slapadd";
const schemaDir = "/etc/ldap/schema";
const lpkSchema = path.resolve(import.meta.dirname, "../fixtures/ldap/openssh-lpk.ldif");

/** Why the slapd tests cannot run here (null: they can); under CI=true a reason is an error, as sshd's. */
export const slapdMissing: string | null = !fs.existsSync(slapd)
  ? `${slapd} is missing (apt-get install slapd ldap-utils)`
  : !fs.existsSync(path.join(schemaDir, "nis.ldif"))
    ? `${schemaDir}/nis.ldif is missing`
    : null;
if (slapdMissing && process.env.CI === "true") throw new Error(`CI=true but the LDAP tests cannot run: ${slapdMissing}`);
if (slapdMissing) console.warn(`skipping the LDAP tests: ${slapdMissing}`);

export const baseDn = "dc=example,dc=com";
export const peopleDn = `ou=people,${baseDn}`;
const groupsDn = `ou=groups,${baseDn}`;
export const adminDn = `cn=admin,${baseDn}`;
export const adminPassword = "test-admin-secret";

function configLdif(dir: string, tls: boolean): string {
  const tlsFiles = tls ? `olcTLSCertificateFile: ${dir}/server.pem\nolcTLSCertificateKeyFile: ${dir}/server.key\n` : "";
  return `dn: cn=config
objectClass: olcGlobal
cn: config
olcPidFile: ${dir}/slapd.pid
${tlsFiles}
dn: cn=module{0},cn=config
objectClass: olcModuleList
cn: module{0}
olcModulePath: /usr/lib/ldap
olcModuleLoad: back_mdb

dn: cn=schema,cn=config
objectClass: olcSchemaConfig
cn: schema

include: file://${schemaDir}/core.ldif

include: file://${schemaDir}/cosine.ldif

include: file://${schemaDir}/nis.ldif

include: file://${schemaDir}/inetorgperson.ldif

include: file://${lpkSchema}

dn: olcDatabase={-1}frontend,cn=config
objectClass: olcDatabaseConfig
objectClass: olcFrontendConfig
olcDatabase: {-1}frontend

dn: olcDatabase={0}config,cn=config
objectClass: olcDatabaseConfig
olcDatabase: {0}config
olcAccess: {0}to * by * none

dn: olcDatabase={1}mdb,cn=config
objectClass: olcDatabaseConfig
objectClass: olcMdbConfig
olcDatabase: {1}mdb
olcDbDirectory: ${dir}/db
olcDbMaxSize: 268435456
olcSuffix: ${baseDn}
olcRootDN: ${adminDn}
olcRootPW: ${adminPassword}
olcSizeLimit: unlimited
olcAccess: {0}to * by * read
`;
}

export interface Slapd {
  url: string;
  /** With `tls`: ldaps:// on a port of its own (ldap:// then also offers StartTLS), and the PEM CA that signed the server's certificate. */
  ldapsUrl?: string;
  ca?: string;
  /** A client bound as the directory's root DN, for the tests' writes. */
  admin(): Promise<Client>;
  addUser(uid: string, keys: readonly string[], dn?: string): Promise<string>;
  setKeys(uid: string, keys: readonly string[]): Promise<void>;
  removeEntry(dn: string): Promise<void>;
  addGroup(cn: string, memberUids: readonly string[]): Promise<string>;
  /** Stops the server, keeping its data; `start` brings it back on the same port. */
  stop(): Promise<void>;
  start(): Promise<void>;
  /** Stops it and deletes its files. */
  close(): Promise<void>;
}

export async function startSlapd(options: { tls?: boolean } = {}): Promise<Slapd> {
  const tls = options.tls ?? false;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "pssk-slapd-"));
  const configDir = path.join(dir, "slapd.d");
  fs.mkdirSync(configDir);
  fs.mkdirSync(path.join(dir, "db"));
  if (tls) writeCertificates(dir);
  fs.writeFileSync(path.join(dir, "config.ldif"), configLdif(dir, tls));
  const loaded = spawnSync(slapadd, ["-n0", "-F", configDir, "-l", path.join(dir, "config.ldif")], { encoding: "utf8" });
  if (loaded.status !== 0) throw new Error(`slapadd failed: ${loaded.stderr}`);
  const port = await freePort();
  const url = `ldap://127.0.0.1:${port}`;
  const ldapsUrl = tls ? `ldaps://127.0.0.1:${await freePort()}` : undefined;
  let daemon: ChildProcess | null = null;
  let log = "";

  async function start(): Promise<void> {
    const child = spawn(slapd, ["-h", [url, ldapsUrl].filter(Boolean).join(" "), "-F", configDir, "-d", "0"], { stdio: ["ignore", "pipe", "pipe"] });
    daemon = child;
    child.stdout!.on("data", (d) => (log += d));
    child.stderr!.on("data", (d) => (log += d));
    for (let i = 0; i < 100; i++) {
      if (child.exitCode !== null) throw new Error(`slapd exited: ${log}`);
      if (await listening(port)) return;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`slapd did not listen: ${log}`);
  }

  async function stop(): Promise<void> {
    const child = daemon;
    daemon = null;
    if (!child || child.exitCode !== null) return;
    await new Promise((resolve) => {
      child.once("exit", resolve);
      child.kill("SIGTERM");
    });
  }

  async function admin(): Promise<Client> {
    const client = new Client({ url });
    await client.bind(adminDn, adminPassword);
    return client;
  }

  async function withAdmin<T>(work: (client: Client) => Promise<T>): Promise<T> {
    const client = await admin();
    try {
      return await work(client);
    } finally {
      await client.unbind();
    }
  }

  await start();
  await withAdmin(async (client) => {
    await client.add(baseDn, { objectClass: ["dcObject", "organization"], dc: "example", o: "Example" });
    await client.add(peopleDn, { objectClass: "organizationalUnit", ou: "people" });
    await client.add(groupsDn, { objectClass: "organizationalUnit", ou: "groups" });
  });

  let uidNumber = 10_000;
  return {
    url,
    ...(ldapsUrl ? { ldapsUrl, ca: fs.readFileSync(path.join(dir, "ca.pem"), "utf8") } : {}),
    admin,
    addUser: (uid, keys, dn = `uid=${uid},${peopleDn}`) =>
      withAdmin(async (client) => {
        const number = String(uidNumber++);
        await client.add(dn, {
          objectClass: ["inetOrgPerson", "posixAccount", "ldapPublicKey"],
          uid,
          cn: uid,
          sn: uid,
          uidNumber: number,
          gidNumber: number,
          homeDirectory: `/home/${number}`,
          ...(keys.length > 0 ? { sshPublicKey: [...keys] } : {}),
        });
        return dn;
      }),
    setKeys: (uid, keys) =>
      withAdmin((client) =>
        client.modify(`uid=${uid},${peopleDn}`, new Change({ operation: "replace", modification: new Attribute({ type: "sshPublicKey", values: [...keys] }) })),
      ),
    removeEntry: (dn) => withAdmin((client) => client.del(dn)),
    addGroup: (cn, memberUids) =>
      withAdmin(async (client) => {
        const dn = `cn=${cn},${groupsDn}`;
        await client.add(dn, { objectClass: "posixGroup", cn, gidNumber: String(uidNumber++), ...(memberUids.length ? { memberUid: [...memberUids] } : {}) });
        return dn;
      }),
    stop,
    start,
    async close() {
      await stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A CA and a server certificate for 127.0.0.1 it signed, by openssl. */
function writeCertificates(dir: string): void {
  const openssl = (...args: string[]) => {
    const r = spawnSync("openssl", args, { cwd: dir, encoding: "utf8" });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  openssl(
    "req",
    "-x509",
    "-newkey",
    "ec",
    "-pkeyopt",
    "ec_paramgen_curve:P-256",
    "-nodes",
    "-keyout",
    "ca.key",
    "-out",
    "ca.pem",
    "-days",
    "2",
    "-subj",
    "/CN=test CA",
  );
  openssl("req", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout", "server.key", "-out", "server.csr", "-subj", "/CN=127.0.0.1");
  fs.writeFileSync(path.join(dir, "san.ext"), "subjectAltName=IP:127.0.0.1\n");
  openssl(
    "x509",
    "-req",
    "-in",
    "server.csr",
    "-CA",
    "ca.pem",
    "-CAkey",
    "ca.key",
    "-CAcreateserial",
    "-out",
    "server.pem",
    "-days",
    "2",
    "-extfile",
    "san.ext",
  );
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1", () => (socket.destroy(), resolve(true)));
    socket.on("error", () => resolve(false));
  });
}
