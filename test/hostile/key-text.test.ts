// Hostile key text for the console's preview and add routes, through the demo app on every
// database: Ed25519, RSA and P-256 key lines mutated at every SSH wire field (truncations,
// lying length bytes, bit flips), text mutations, and hand-made keys: truncated base64, wrong
// type names, huge RSA exponents and moduli, bogus lengths, nested certificates, sk- keys,
// small-order points and private keys. Preview answers 200 with a verdict per line (or a 4xx),
// add a 201 or a 4xx with a JSON code; no private key is ever echoed; all within a second.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { publicKeyFromKeyObject } from "../../strategy/keys/index.js";
import { sshMpint, sshString } from "../../strategy/keys/wire.js";
import { databaseKinds } from "../support/databases.js";
import { fixtureText } from "../support/forge-jwt.js";
import { fixtureKeyPair } from "../support/fixture-keys.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { startAdminFixture, type AdminFixture } from "./admin-support.js";
import { byteMutants, eachLimited, sampleFor, seededRandom, textMutants, Verdicts, type Mutant, type RawResponse } from "./support.js";

const u32 = (n: number) => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};
const cat = (...parts: Buffer[]) => Buffer.concat(parts);
const keyLine = (type: string, blob: Buffer, comment = "hostile") => `${type} ${blob.toString("base64")} ${comment}`;

/** Offsets of each SSH string's length field and data in a key blob. */
function wireStarts(blob: Buffer): number[] {
  const starts: number[] = [];
  let at = 0;
  while (at + 4 <= blob.length) {
    starts.push(at, at + 4);
    at += 4 + blob.readUInt32BE(at);
  }
  return starts;
}

const ed = publicKeyFromKeyObject(freshKeyPair("ed25519").publicKey);
const ec = publicKeyFromKeyObject(freshKeyPair("ec", { namedCurve: "P-256" }).publicKey);
const rsaLine = fixtureText("ajwt/rsa2048.pub").trim();
const blobOf = (openssh: string) => Buffer.from(openssh.split(" ")[1]!, "base64");
const edPoint = blobOf(ed.openssh).subarray(19 + 4);
const rsaParts = (() => {
  const blob = blobOf(rsaLine);
  const starts = wireStarts(blob);
  return { n: blob.subarray(starts[5]!, blob.length) };
})();

const privateKeys = (() => {
  const edPair = freshKeyPair("ed25519");
  const rsaPair = fixtureKeyPair("rsa2048-a");
  const ecPair = freshKeyPair("ec", { namedCurve: "P-256" });
  return [
    ["PKCS#8 Ed25519", edPair.privateKey.export({ type: "pkcs8", format: "pem" }) as string],
    ["PKCS#1 RSA", rsaPair.privateKey.export({ type: "pkcs1", format: "pem" }) as string],
    ["SEC1 EC", ecPair.privateKey.export({ type: "sec1", format: "pem" }) as string],
    ["OpenSSH", fixtureText("ajwt/ed25519_openssh")],
    ["encrypted PKCS#8", edPair.privateKey.export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "x" }) as string],
  ] as Array<[string, string]>;
})();

/** publicKeyFromKeyObject refuses short RSA keys, so the line is written from the JWK. */
function rsa1024Line(): string {
  const jwk = freshKeyPair("rsa", { modulusLength: 1024 }).publicKey.export({ format: "jwk" });
  const mpint = (b64url: string | undefined) => sshMpint(Buffer.from(b64url ?? "", "base64url"));
  return keyLine("ssh-rsa", cat(sshString("ssh-rsa"), mpint(jwk.e), mpint(jwk.n)));
}

function handMade(): Mutant[] {
  const hugeOdd = (bytes: number) => {
    const n = Buffer.alloc(bytes, 0xab);
    n[0] = 0xc1;
    n[bytes - 1] = 0x01;
    return n;
  };
  const cert = (inner: Buffer) => cat(sshString("ssh-ed25519-cert-v01@openssh.com"), sshString(Buffer.alloc(32, 9)), sshString(edPoint), inner);
  const cases: Array<[string, string]> = [
    ["type alone", "ssh-ed25519"],
    ["base64 cut mid-quad", `ssh-ed25519 ${blobOf(ed.openssh).toString("base64").slice(0, 30)}`],
    [
      "base64 with a space inside",
      `ssh-ed25519 ${blobOf(ed.openssh)
        .toString("base64")
        .replace(/^(.{20})/, "$1 ")}`,
    ],
    ["type name of 5 KB", keyLine("x".repeat(5000), blobOf(ed.openssh))],
    ["type ssh-ed25519 with an RSA blob", keyLine("ssh-ed25519", blobOf(rsaLine))],
    ["type ssh-rsa with an Ed25519 blob", keyLine("ssh-rsa", blobOf(ed.openssh))],
    [
      "type ecdsa-sha2-nistp256 with nistp521 curve",
      keyLine("ecdsa-sha2-nistp256", cat(sshString("ecdsa-sha2-nistp256"), sshString("nistp521"), sshString(Buffer.alloc(133, 4)))),
    ],
    ["type name __proto__", keyLine("__proto__", cat(sshString("__proto__"), sshString(edPoint)))],
    ["type name hasOwnProperty", keyLine("hasOwnProperty", cat(sshString("hasOwnProperty"), sshString(edPoint)))],
    ["RSA exponent of 4,096 bits", keyLine("ssh-rsa", cat(sshString("ssh-rsa"), sshMpint(hugeOdd(512)), sshMpint(rsaParts.n.subarray(4))))],
    ["RSA exponent of 64 KB", keyLine("ssh-rsa", cat(sshString("ssh-rsa"), sshMpint(hugeOdd(20_000)), sshMpint(rsaParts.n.subarray(4))))],
    ["RSA exponent 3", keyLine("ssh-rsa", cat(sshString("ssh-rsa"), sshMpint(Buffer.from([3])), sshMpint(rsaParts.n.subarray(4))))],
    ["RSA exponent 0", keyLine("ssh-rsa", cat(sshString("ssh-rsa"), sshString(Buffer.alloc(0)), sshMpint(rsaParts.n.subarray(4))))],
    ["RSA modulus of 16,400 bits (random odd)", keyLine("ssh-rsa", cat(sshString("ssh-rsa"), sshMpint(Buffer.from([1, 0, 1])), sshMpint(hugeOdd(2050))))],
    ["RSA modulus of 8,200 bits (random odd)", keyLine("ssh-rsa", cat(sshString("ssh-rsa"), sshMpint(Buffer.from([1, 0, 1])), sshMpint(hugeOdd(1025))))],
    ["RSA modulus even", keyLine("ssh-rsa", cat(sshString("ssh-rsa"), sshMpint(Buffer.from([1, 0, 1])), sshMpint(Buffer.alloc(256, 0xc2))))],
    ["length field 0xffffffff", keyLine("ssh-ed25519", cat(u32(0xffffffff), Buffer.from("ssh-ed25519")))],
    ["length field 0x80000000", keyLine("ssh-ed25519", cat(u32(0x80000000), Buffer.from("ssh-ed25519")))],
    ["point length 33", keyLine("ssh-ed25519", cat(sshString("ssh-ed25519"), u32(33), edPoint))],
    ["point length 31 then junk", keyLine("ssh-ed25519", cat(sshString("ssh-ed25519"), u32(31), edPoint))],
    ["Ed25519 identity point (small order)", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
    [
      "Ed25519 point of order 2",
      keyLine("ssh-ed25519", cat(sshString("ssh-ed25519"), sshString(Buffer.concat([Buffer.from([0xec]), Buffer.alloc(30, 0xff), Buffer.from([0x7f])])))),
    ],
    [
      "Ed25519 non-canonical y ≥ p",
      keyLine("ssh-ed25519", cat(sshString("ssh-ed25519"), sshString(Buffer.concat([Buffer.from([0xee]), Buffer.alloc(30, 0xff), Buffer.from([0x7f])])))),
    ],
    ["Ed25519 all 0xff", keyLine("ssh-ed25519", cat(sshString("ssh-ed25519"), sshString(Buffer.alloc(32, 0xff))))],
    ["ECDSA point at infinity", keyLine("ecdsa-sha2-nistp256", cat(sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(Buffer.from([0]))))],
    [
      "ECDSA point of zeros",
      keyLine("ecdsa-sha2-nistp256", cat(sshString("ecdsa-sha2-nistp256"), sshString("nistp256"), sshString(cat(Buffer.from([4]), Buffer.alloc(64))))),
    ],
    ["certificate", keyLine("ssh-ed25519-cert-v01@openssh.com", cert(Buffer.alloc(0)))],
    ["certificate nested in a certificate", keyLine("ssh-ed25519-cert-v01@openssh.com", cert(sshString(cert(sshString(cert(Buffer.alloc(0)))))))],
    [
      "certificate whose signature key is 10 levels of certificates",
      keyLine(
        "ssh-ed25519-cert-v01@openssh.com",
        Array.from({ length: 10 }).reduce<Buffer>((inner) => cert(sshString(inner)), Buffer.alloc(0)),
      ),
    ],
    [
      "RSA certificate",
      keyLine("ssh-rsa-cert-v01@openssh.com", cat(sshString("ssh-rsa-cert-v01@openssh.com"), sshString(Buffer.alloc(32)), sshMpint(Buffer.from([1, 0, 1])))),
    ],
    ["sk-ssh-ed25519", keyLine("sk-ssh-ed25519@openssh.com", cat(sshString("sk-ssh-ed25519@openssh.com"), sshString(edPoint), sshString("ssh:")))],
    [
      "sk-ecdsa with no application",
      keyLine("sk-ecdsa-sha2-nistp256@openssh.com", cat(sshString("sk-ecdsa-sha2-nistp256@openssh.com"), sshString("nistp256"))),
    ],
    ["sk-ssh-ed25519 cert", keyLine("sk-ssh-ed25519-cert-v01@openssh.com", cat(sshString("sk-ssh-ed25519-cert-v01@openssh.com"), sshString(Buffer.alloc(32))))],
    ["ssh-dss", keyLine("ssh-dss", cat(sshString("ssh-dss"), sshMpint(Buffer.alloc(128, 0x99))))],
    ["RSA 1024 line", rsa1024Line()],
    ["authorized_keys options with a 5 KB command", `command="${"x".repeat(5000)}" ${ed.openssh}`],
    ["authorized_keys unbalanced quote", `from="a ${ed.openssh}`],
    ["authorized_keys options only", "no-pty,no-agent-forwarding"],
    [
      "RFC 4716 with a 2 KB header line",
      `---- BEGIN SSH2 PUBLIC KEY ----\nComment: ${"c".repeat(2000)}\n${blobOf(ed.openssh).toString("base64")}\n---- END SSH2 PUBLIC KEY ----`,
    ],
    ["RFC 4716 with a continued header that never ends", `---- BEGIN SSH2 PUBLIC KEY ----\nComment: a\\\n\\\n\\\n---- END SSH2 PUBLIC KEY ----`],
    [
      "RFC 4716 nested BEGIN",
      `---- BEGIN SSH2 PUBLIC KEY ----\n---- BEGIN SSH2 PUBLIC KEY ----\n${blobOf(ed.openssh).toString("base64")}\n---- END SSH2 PUBLIC KEY ----`,
    ],
    ["PEM SPKI cut", (freshKeyPair("ed25519").publicKey.export({ type: "spki", format: "pem" }) as string).slice(0, 50)],
    ["PEM with a 50 KB body", `-----BEGIN PUBLIC KEY-----\n${"A".repeat(50_000)}\n-----END PUBLIC KEY-----`],
    [
      "PuTTY private key",
      "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: x\nPublic-Lines: 2\nAAAA\nAAAA\nPrivate-Lines: 1\nAAAA\nPrivate-MAC: 00",
    ],
    ["1,000 copies of one key", Array.from({ length: 1000 }, () => ed.openssh).join("\n")],
    ["500 garbage lines", Array.from({ length: 500 }, (_, i) => `ssh-ed25519 AAAA${i}`).join("\n")],
    ["59 KB of one comment", `${ed.openssh} ${"c".repeat(59_000)}`],
    ["NUL between keys", `${ed.openssh}\u0000${ec.openssh}`],
    ["CRLF lines", `${ed.openssh}\r\n${ec.openssh}\r\n`],
    ["lone CR lines", `${ed.openssh}\r${ec.openssh}`],
    ["BOM then key", `\ufeff${ed.openssh}`],
    ["RTL override in comment", `${ed.openssh} \u202egnp.exe`],
    ...privateKeys.map(([name, text]) => [`private key: ${name}`, text] as [string, string]),
    ...privateKeys.map(([name, text]) => [`private key after a public one: ${name}`, `${ec.openssh}\n${text}`] as [string, string]),
  ];
  return cases.map(([label, value]) => ({ label, value }));
}

describe.each(databaseKinds)("hostile key text on %s", (kind) => {
  let f: AdminFixture;
  let verdicts: Verdicts;
  beforeAll(async () => {
    f = await startAdminFixture(kind);
    verdicts = new Verdicts();
  });
  afterAll(async () => {
    verdicts.close();
    await f?.t.close();
  });

  const secretBodies = privateKeys.map(([, text]) => text.split("\n")[2]!).filter((l) => l.length > 20);
  const echoesSecret = (r: RawResponse) => secretBodies.some((line) => r.body.includes(line));

  const previewVerdict = (r: RawResponse): string | null => {
    if (echoesSecret(r)) return "the answer contains private key material";
    if (r.status !== 200) return Verdicts.jsonRefusal(r);
    const basic = Verdicts.basic(r);
    if (basic) return basic;
    const keys = r.json?.keys;
    if (!Array.isArray(keys)) return `200 without a keys array: ${r.body.slice(0, 200)}`;
    const bad = keys.find((k: any) => !(k.ok === true && typeof k.fingerprintSha256 === "string") && !(k.ok === false && typeof k.problem?.code === "string"));
    return bad ? `an entry with neither a key nor a problem code: ${JSON.stringify(bad).slice(0, 200)}` : null;
  };
  const addVerdict = (r: RawResponse): string | null => {
    if (echoesSecret(r)) return "the answer contains private key material";
    if (r.status === 201) return Verdicts.basic(r) ?? (Array.isArray(r.json?.keys) ? null : "201 without keys");
    return Verdicts.jsonRefusal(r);
  };

  async function judge(mutants: Mutant[]) {
    await eachLimited(mutants, 2, async (m) => {
      const body = JSON.stringify({ text: m.value });
      const headers: Array<[string, string]> = [["Content-Type", "application/json"]];
      verdicts.note(`preview ${m.label}`, previewVerdict(await f.as(f.root, { method: "POST", path: "/admin/api/keys/preview", body, headers })));
      verdicts.note(`add ${m.label}`, addVerdict(await f.as(f.root, { method: "POST", path: "/admin/api/keys", body, headers })));
    });
  }

  it("answers ≥ 50 mutants of each key line at every wire field boundary", async () => {
    const rng = seededRandom(0xe5);
    for (const openssh of [ed.openssh, ec.openssh, rsaLine.split(" ").slice(0, 2).join(" ")]) {
      const [type] = openssh.split(" ");
      const blob = blobOf(openssh);
      const before = verdicts.count;
      await judge(
        sampleFor(
          kind,
          byteMutants(blob, wireStarts(blob), (b) => keyLine(type!, b), rng, type),
        ),
      );
      await judge(sampleFor(kind, textMutants(`${openssh} laptop`, [type!.length, type!.length + 1, openssh.length], rng, `${type} line`)));
      expect(verdicts.count - before).toBeGreaterThanOrEqual(kind === "sqlite" ? 100 : 34);
    }
  });

  it("answers hand-made keys: lengths, types, exponents, certificates, sk- keys, small-order points, private keys", async () => {
    await judge(handMade());
    // None of those may have been stored.
    const stored = await f.t.store.database.prisma.publicKey.findMany({ where: { comment: { in: ["hostile"] } }, select: { type: true } });
    expect(stored.filter((k) => k.type !== "ssh-ed25519" && k.type !== "ecdsa-sha2-nistp256" && k.type !== "ssh-rsa")).toEqual([]);
  });

  it("refuses the red team's small-order Ed25519 key by name (weak_key) on preview and add", async () => {
    const body = JSON.stringify({ text: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA hostile" });
    const headers: Array<[string, string]> = [["Content-Type", "application/json"]];
    const preview = await f.as(f.root, { method: "POST", path: "/admin/api/keys/preview", body, headers });
    expect([preview.status, preview.json?.keys?.[0]?.problem?.code]).toEqual([200, "weak_key"]);
    const add = await f.as(f.root, { method: "POST", path: "/admin/api/keys", body, headers });
    expect([add.status, add.body.includes('"weak_key"')]).toEqual([400, true]);
  });

  it("refuses each private key by name on add, and stores nothing", async () => {
    for (const [name, text] of privateKeys) {
      const r = await f.as(f.root, {
        method: "POST",
        path: "/admin/api/keys",
        body: JSON.stringify({ text }),
        headers: [["Content-Type", "application/json"]],
      });
      verdicts.note(`add private key ${name}`, addVerdict(r) ?? (r.json?.error?.code === "private_key" ? null : `code ${r.json?.error?.code}`));
    }
  });

  it("has judged every input with no 5xx, no slow answer and no unhandled rejection", () => {
    verdicts.assertClean(300);
    console.log(`hostile key text on ${kind}: ${verdicts.count} inputs, slowest answer ${Math.round(Verdicts.slowestSeen)} ms ${Verdicts.slowestLabel}`);
  });
});
