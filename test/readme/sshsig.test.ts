// The README's SSHSIG shell client, run as written by bash with only OpenSSH, openssl and
// curl, for every key type against the demo server. Only KEY and URL (the first line's
// values) are substituted. RSA keys sign with rsa-sha2-512, as the README says.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parsePublicKey } from "../../strategy/keys/parse.js";
import { readmeBlocks } from "../package/readme-blocks.js";
import { root } from "../support/cli.js";
import { startTestServer, type MemoryTestServer } from "../support/server.js";
import { KeyDir, type KeyKind, sshKeygen } from "../support/ssh-keygen.js";

const blocks = readmeBlocks(path.join(root, "README.md"), "SSHSIG (ssh-keygen + curl)").filter((b) => b.lang === "sh");
const kinds: KeyKind[] = ["ed25519", "ecdsa256", "ecdsa384", "ecdsa521", "rsa"];

/** The README block with KEY and URL pointing here; everything else verbatim. */
function client(key: string, url: string): string {
  const [block] = blocks;
  const script = block!.code.replace("KEY=~/.ssh/id_ed25519 ", `KEY=${key} `).replace("URL=http://127.0.0.1:3000/whoami ", `URL=${url} `);
  if (script === block!.code || !script.includes(`KEY=${key} `) || !script.includes(`URL=${url} `))
    throw new Error("README SSHSIG block: KEY=… URL=… line changed");
  return script;
}

/** The inner signature's algorithm name in an armored-less SSHSIG blob. */
function signatureType(b64: string): string {
  const blob = Buffer.from(b64, "base64");
  let at = 10;
  for (let field = 0; field < 4; field++) at += 4 + blob.readUInt32BE(at);
  return blob.subarray(at + 8, at + 8 + blob.readUInt32BE(at + 4)).toString("latin1");
}

describe("README: SSHSIG with ssh-keygen and curl", () => {
  let t: MemoryTestServer;
  const keys = new KeyDir();
  beforeAll(async () => {
    t = await startTestServer("memory");
    await t.store.directory.addUser("alice");
    for (const kind of kinds) {
      sshKeygen(keys.dir, kind, kind);
      await t.store.directory.addKey("alice", keys.read(`${kind}.pub`));
    }
  }, 60_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });

  it("shows the pure-shell client first, before the CLI and token blocks", () => expect(blocks[0]?.code.startsWith("KEY=~/.ssh/id_ed25519 URL=")).toBe(true));

  // Asynchronous: the server runs in this process, so a synchronous curl would wait for it forever.
  it.each(kinds)("authenticates alice with a %s key by the README's commands", async (kind) => {
    t.clock.now = Date.now();
    const { stdout } = await promisify(execFile)("bash", ["-c", client(keys.path(kind), `${t.url}/whoami`)], { encoding: "utf8" });
    expect(JSON.parse(stdout)).toMatchObject({ username: "alice", scheme: "sshsig" });
  });

  it("signs RSA with rsa-sha2-512 (ssh-keygen's default), as the README says", async () => {
    const script = `${client(keys.path("rsa"), `${t.url}/whoami`).split("\ncurl ")[0]}\nprintf %s "$sig"`;
    const { stdout } = await promisify(execFile)("bash", ["-c", script], { encoding: "utf8" });
    expect(signatureType(stdout)).toBe("rsa-sha2-512");
  });
});

// The issue's "done when": `ssh-keygen -s ca -I id -n alice -V +1h key.pub`, then the shell client
// with KEY at the certificate, on a server that trusts the CA and holds no key of alice's.
describe("README: SSHSIG with an OpenSSH certificate", () => {
  let t: MemoryTestServer;
  const keys = new KeyDir();
  beforeAll(async () => {
    t = await startTestServer("memory");
    await t.store.directory.addUser("alice");
    sshKeygen(keys.dir, "ca", "ed25519");
    sshKeygen(keys.dir, "key", "ed25519");
    await t.store.authorities.add("corp", parsePublicKey(keys.read("ca.pub")), "username");
    keys.run("ssh-keygen", ["-q", "-s", "ca", "-I", "id", "-n", "alice", "-V", "+1h", "key.pub"]);
  }, 60_000);
  afterAll(async () => {
    await t.close();
    keys.cleanup();
  });

  it("authenticates alice with KEY=key-cert.pub, no key uploaded", async () => {
    t.clock.now = Date.now();
    const { stdout } = await promisify(execFile)("bash", ["-c", client(keys.path("key-cert.pub"), `${t.url}/whoami`)], { encoding: "utf8" });
    expect(JSON.parse(stdout)).toMatchObject({ username: "alice", scheme: "sshsig" });
    expect(await t.store.directory.listKeys("alice")).toEqual([]);
  });

  it("is refused with KEY at the private key: ssh-keygen then signs as the plain key, which is not uploaded", async () => {
    const { stdout } = await promisify(execFile)("bash", ["-c", client(keys.path("key"), `${t.url}/whoami`)], { encoding: "utf8" });
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: "invalid_credentials" } });
  });
});
