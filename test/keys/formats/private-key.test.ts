// A private key must never be stored or echoed, including one hidden in a public key's
// comment (issue 11, low): armored, as a bare DER body in base64, or as a JWK.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseKeyPaste, parsePublicKey, publicKeyFromKeyObject } from "../../../strategy/keys/index.js";
import { DirectoryError } from "../../../strategy/store/index.js";
import { newKeyLine, signIn, startAdminServer, type AdminServer } from "../../admin/support.js";
import { fixtureKeyPair } from "../../support/fixture-keys.js";
import { freshKeyPair } from "../../support/fresh-keys.js";

const ed = freshKeyPair("ed25519");
const rsa = fixtureKeyPair("rsa2048-a");
const ec = freshKeyPair("ec", { namedCurve: "P-256" });
const publicLine = publicKeyFromKeyObject(ed.publicKey).openssh;
const der = (key: typeof ed.privateKey, type: "pkcs8" | "pkcs1" | "sec1") => (key.export({ format: "der", type }) as Buffer).toString("base64");

const hiddenPrivateKeys: Record<string, string> = {
  "Ed25519 PKCS#8 body": der(ed.privateKey, "pkcs8"),
  "Ed25519 PKCS#8 body, base64url": (ed.privateKey.export({ format: "der", type: "pkcs8" }) as Buffer).toString("base64url"),
  "RSA PKCS#1 body": der(rsa.privateKey, "pkcs1"),
  "RSA PKCS#8 body": der(rsa.privateKey, "pkcs8"),
  "EC SEC1 body": der(ec.privateKey, "sec1"),
  "encrypted PKCS#8 body": (ed.privateKey.export({ format: "der", type: "pkcs8", cipher: "aes-256-cbc", passphrase: "pw" }) as Buffer).toString("base64"),
  "a private JWK": JSON.stringify(ed.privateKey.export({ format: "jwk" })),
  "an OpenSSH private key on one line": `-----BEGIN OPENSSH PRIVATE KEY----- b3BlbnNzaC1rZXktdjEAAAAABG5vbmU= -----END OPENSSH PRIVATE KEY-----`,
};

describe("private keys hidden in a public key's comment", () => {
  it.each(Object.entries(hiddenPrivateKeys))("%s as the comment is refused as private_key, without echoing it", (_name, secret) => {
    const line = `${publicLine} ${secret}`;
    let error: unknown;
    try {
      parsePublicKey(line);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ code: "private_key" });
    expect(JSON.stringify({ message: (error as Error).message, detail: (error as { detail?: unknown }).detail })).not.toContain(secret.slice(10, 40));
    const [entry] = parseKeyPaste(line);
    expect(entry).toMatchObject({ ok: false, problem: { code: "private_key" } });
  });

  it("a bare private DER body pasted on its own is refused as private_key, not malformed_key", () => {
    expect(parseKeyPaste(der(ed.privateKey, "pkcs8"))[0]).toMatchObject({ ok: false, problem: { code: "private_key" } });
  });

  it("public material in a comment is fine: a SPKI body, long words, an e-mail address", () => {
    const spki = (rsa.publicKey.export({ format: "der", type: "spki" }) as Buffer).toString("base64");
    for (const comment of [spki, "a".repeat(80), "alice@build-server-0123456789-abcdefghijklmnopqrstuvwxyz-0123456789.example"]) {
      expect(parsePublicKey(`${publicLine} ${comment}`).comment).toBe(comment);
    }
  });
});

describe("private keys as the comment field of the admin API and the directory", () => {
  let server: AdminServer;
  beforeAll(async () => {
    server = await startAdminServer("sqlite");
    await server.store.directory.addUser("alice");
  });
  afterAll(() => server?.close());

  it("POST /keys refuses a line whose comment is a private key, and a comment field holding one; nothing stored or echoed", async () => {
    const alice = await signIn(server, "alice");
    const secret = hiddenPrivateKeys["Ed25519 PKCS#8 body"]!;
    const inLine = await alice.call("POST", "/keys", { text: `${newKeyLine()} ${secret}` });
    expect([inLine.status, inLine.body.error.code]).toEqual([400, "private_key"]);
    expect(JSON.stringify(inLine.body)).not.toContain(secret.slice(10, 40));
    const asField = await alice.call("POST", "/keys", { text: newKeyLine(), comment: secret });
    expect([asField.status, asField.body.error.code]).toEqual([400, "private_key"]);
    expect(JSON.stringify(asField.body)).not.toContain(secret.slice(10, 40));
    expect(await server.store.database.prisma.publicKey.count()).toBe(0);

    const added = await alice.call("POST", "/keys", { text: newKeyLine("laptop") });
    expect(added.status).toBe(201);
    const id = added.body.keys[0].id;
    const patched = await alice.call("PATCH", `/keys/${id}`, { comment: secret });
    expect([patched.status, patched.body.error.code]).toEqual([400, "private_key"]);
    expect((await server.store.directory.findKeyById(id)).comment).toBe("laptop");
  });

  it("the directory (and so the CLI) refuses one too", async () => {
    const secret = hiddenPrivateKeys["RSA PKCS#1 body"]!;
    await expect(server.store.directory.addKey("alice", newKeyLine(), { comment: secret })).rejects.toBeInstanceOf(DirectoryError);
    await expect(server.store.directory.addKey("alice", `${newKeyLine()} ${secret}`)).rejects.toMatchObject({
      code: "invalid",
      message: expect.stringMatching(/PRIVATE key/),
    });
  });
});
