// Issue 18: an attempt signed with a key that was deleted is logged as `unknown_key` on every
// scheme — never as `alg_not_allowed` — also when the user still holds keys of other types.
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadKeyFileSigner, sshkeyFetch } from "../../strategy/client/index.js";
import type { SshKeyStore } from "../../strategy/store/index.js";
import { recordedEvents } from "../support/events.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { makeTmpDir } from "../support/ssh-keygen.js";

describe("an attempt with a deleted key", () => {
  let t: TestServer<SshKeyStore>;
  const tmp = makeTmpDir("deleted-key-");
  const files: Record<string, string> = {};

  beforeAll(async () => {
    t = await startTestServer("memory");
    await t.store.directory.addUser("alice");
    for (const type of ["ed25519", "ecdsa", "rsa"]) {
      const file = `${tmp.dir}/${type}`;
      execFileSync("ssh-keygen", ["-q", "-t", type, ...(type === "rsa" ? ["-b", "2048"] : []), "-N", "", "-f", file, "-C", type]);
      files[type] = file;
      const key = await t.store.directory.addKey("alice", fs.readFileSync(`${file}.pub`, "utf8"));
      // The RSA key stays: the user still exists and holds a key of another type.
      if (type !== "rsa") await t.store.directory.removeKeyById(key.id);
    }
  });
  afterAll(async () => {
    await t?.close();
    tmp.cleanup();
  });

  it.each([
    ["ed25519", "jwt"],
    ["ed25519", "sshauth"],
    ["ed25519", "sshsig"],
    ["ed25519", "rfc9421"],
    ["ecdsa", "jwt"],
    ["ecdsa", "sshauth"],
    ["ecdsa", "sshsig"],
    ["ecdsa", "rfc9421"],
  ] as const)("a deleted %s key over %s is refused and logged as unknown_key", async (type, scheme) => {
    const before = recordedEvents(t.store).length;
    const response = await sshkeyFetch(`${t.url}/whoami`, {}, { signer: await loadKeyFileSigner(files[type]!), username: "alice", scheme });
    expect(response.status).toBe(401);
    const events = recordedEvents(t.store).slice(before);
    expect(events.map((e) => [e.scheme, e.outcome, e.errorCode, e.keyId])).toEqual([[scheme, "failure", "unknown_key", null]]);
  });
});
