// A console the size people run: about 60 users, 230 keys and 200 auth events, with the long
// names, comments and revoke reasons that break layouts, and keys with last-use details. Written
// through the store (as the CLI does) into the server's database: hundreds of CLI processes
// would take minutes. Seeded once per database; a later spec file or a retry reads it back.
import path from "node:path";
import { pathToFileURL } from "node:url";
import type { AuthEventRecord, SshKeyStore } from "../../strategy/store/index.js";
import { freshKeyPair } from "../support/fresh-keys.js";
import { baseUrl, cliOk, keygen, root } from "./support.js";

export interface SeededConsole {
  /** The admin who signs in: their own keys page shows last use, revoke reasons and long comments. */
  admin: string;
  /** The user with the longest name (64 characters, the most a username may have). */
  longUser: string;
  /** Id of the admin's key with the longest comment, for the key's own page. */
  detailKeyId: string;
  /** A fresh one-time sign-in link of longUser, under /admin/ ("login/…"): its page, not yet used. */
  signInLink: string;
  userCount: number;
  keyCount: number;
}

const admin = "console-admin";
const longUser = "maximiliane.alexandra-wilhelmina.von-hohenzollern-sigmaringen.eu";
const longComment = "maximiliane@build-runner-eu-central-1-production-cluster-07.internal.example.com (deploy key for the release pipeline, rotate yearly)";
const longReason =
  "Laptop reported stolen at the Frankfurt airport on the way back from the offsite; replaced by the hardware key issued by IT on the following Monday (ticket SEC-20931).";
const webhookUrl = "https://hooks.internal.example.com/services/passport-sshkey/T0123456789/B0123456789/release-pipeline-notifications";
const firstNames = ["amelia", "bartholomew", "chiara", "dmitri", "eleanor", "farouk", "giulia", "henrik", "ingrid", "jun", "kwame", "lucia"];
const surnames = ["okonkwo-delacroix", "nakamura", "van-der-berg", "fitzgerald-martinez", "smith"];
const schemes = ["jwt", "crtauth", "sshauth", "sshsig"];
const failures = ["bad_signature", "unknown_key", "key_revoked", "replayed", "expired_token", "user_disabled"];

function ed25519Line(comment: string): string {
  const { publicKey } = freshKeyPair("ed25519");
  const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
  const field = (b: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(b.length);
    return Buffer.concat([length, b]);
  };
  const blob = Buffer.concat([field(Buffer.from("ssh-ed25519")), field(raw)]);
  return `ssh-ed25519 ${blob.toString("base64")} ${comment}`;
}

async function openStore(): Promise<SshKeyStore> {
  // The built store: the same code the server runs, loaded without Playwright's TypeScript transform.
  const store = (await import(pathToFileURL(path.join(root, "dist/strategy/store/index.js")).href)) as typeof import("../../strategy/store/index.js");
  return store.openPrismaStore({ url: process.env.E2E_DATABASE_URL!, migrate: false });
}

function usernames(): string[] {
  const names = [admin, longUser];
  for (let i = 0; names.length < 60; i++) names.push(`${firstNames[i % firstNames.length]}.${surnames[i % surnames.length]}${i >= 12 ? `-${i}` : ""}`);
  return names;
}

function event(at: number, i: number, user: { id: string; username: string }, keyId: string | null): AuthEventRecord {
  const outcome = i % 5 === 0 ? "failure" : "success";
  return {
    at: new Date(at),
    scheme: schemes[i % schemes.length]!,
    outcome,
    errorCode: outcome === "failure" ? failures[i % failures.length]! : null,
    userId: user.id,
    username: user.username,
    keyId,
    ip: i % 3 === 0 ? `2001:db8:85a3:8d3:1319:8a2e:370:${(7000 + i).toString(16)}` : `203.0.113.${i % 250}`,
    userAgent: "passport-sshkey-client/0.1 (linux; x64) node/20.20.2 openssh/9.6p1",
  };
}

/**
 * What the pages added for issue 18 show at their fullest: a webhook with a long URL, audit
 * entries with long before/after values, and the detail key scoped, rate-limited and locked.
 * No key policy: the server is shared with policy.spec.ts, which starts from the default one.
 */
async function seedIssue18(store: SshKeyStore, detailKeyId: string, other: { id: string; username: string }): Promise<void> {
  cliOk("webhooks", "add", webhookUrl, "--events", "key.added,key.revoked,key.expiring,auth.repeated_failures");
  await store.directory.updateKeyById(detailKeyId, { scopes: ["deploy", "read", "release-pipeline"], rateLimit: { count: 120, windowSeconds: 60 } });
  const now = new Date();
  for (let i = 0; i < 3; i++) await store.limits.recordKeyFailure(detailKeyId, 3, new Date(now.getTime() + 15 * 60_000), now);
  const actor = { type: "user" as const, id: other.id, name: other.username };
  const from = { ip: "2001:db8:85a3:8d3:1319:8a2e:370:7348", userAgent: "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0" };
  await store.audit.append({
    at: now,
    actor,
    ...from,
    action: "key.revoked",
    target: { type: "key", id: detailKeyId, name: longComment },
    before: { revokedAt: null },
    after: { revokedAt: now.toISOString(), revokeReason: longReason },
  });
  await store.audit.append({
    at: now,
    actor,
    ...from,
    action: "user.updated",
    target: { type: "user", id: other.id, name: other.username },
    before: { isAdmin: false },
    after: { isAdmin: true },
  });
  await store.audit.append({
    at: now,
    actor: { type: "cli", name: "root" },
    action: "webhook.added",
    target: { type: "webhook", name: webhookUrl },
    before: null,
    after: { url: webhookUrl, events: ["key.added", "key.revoked"] },
  });
}

let seeded: SeededConsole | null = null;

export async function seedConsole(): Promise<SeededConsole> {
  if (seeded) return seeded;
  const store = await openStore();
  try {
    const names = usernames();
    if (!(await store.directory.lookupUser(admin))) {
      const now = Date.now();
      const users = [];
      for (const [i, name] of names.entries()) users.push(await store.directory.addUser(name, { isAdmin: i === 0 || i % 20 === 7 }));
      // Everyone else's keys first: the list is newest first, and the admin's own should lead it.
      let keys = 11;
      for (let u = 0; keys < 230; u++) {
        const name = names[1 + (u % (names.length - 1))]!;
        const key = await store.directory.addKey(name, ed25519Line(`${name}@host-${keys}${u % 4 === 0 ? ".eu-west-2.compute.internal" : ""}`));
        if (keys % 17 === 0) await store.directory.revokeKeyById(key.id, keys % 2 ? longReason : "Left the company");
        keys++;
      }
      // An imported key waiting for its owner's proof: the Verify action.
      await store.directory.addKey(admin, ed25519Line(`${admin}@imported-from-github`), { origin: "import", originRef: "gh:console-admin", unverified: true });
      // The admin's own keys, newest last: long comments, last use over every scheme, a revoked one with a long reason.
      const mine = [];
      for (let k = 9; k >= 0; k--) {
        mine.unshift(await store.directory.addKey(admin, ed25519Line(k === 0 ? longComment : `${admin}@workstation-${k}.corp.example.com`)));
      }
      await store.directory.revokeKeyById(mine[1]!.id, longReason);
      await store.directory.revokeKeyById(mine[2]!.id, "Rotated");
      await store.directory.updateKeyById(mine[3]!.id, { expiresAt: new Date(now + 40 * 86_400_000) });
      // 200 events, one a second until now (the keys are minutes old); a success with a key also sets its last use (ip, scheme).
      const all = await store.directory.listKeys();
      const end = Date.now();
      for (let i = 0; i < 200; i++) {
        const key = i < 40 ? mine[i % mine.length]! : all[(i * 7) % all.length]!;
        // Other specs share this database, so a key may belong to a user this seed did not make.
        store.events.record(event(end - (200 - i) * 1000, i, { id: key.userId, username: key.username }, key.id));
      }
      await store.events.flush();
      // The pages beside the key table: a CA with a long name, a JWKS URL and a key source.
      const ca = keygen("ed25519", "corp-ca");
      cliOk("ca", "add", ca.pubPath, "--name", "Corporate user CA for production bastions and build runners (2026)");
      await store.jwks.add(admin, "https://identity.internal.example.com/.well-known/jwks/workload-federation-production.json");
      await store.keySources.ensure(admin, {
        kind: "github",
        ref: "maximiliane-von-hohenzollern",
        url: "https://github.com/maximiliane-von-hohenzollern.keys",
      });
      await seedIssue18(store, mine[0]!.id, users[1]!);
    }
    const list = await store.directory.listKeys();
    const detail = list.find((k) => k.comment === longComment)!;
    const link = cliOk("console-link", longUser, "--base-url", baseUrl).trim();
    const signInLink = link.slice(link.indexOf("/admin/") + "/admin/".length);
    seeded = { admin, longUser, detailKeyId: detail.id, signInLink, userCount: (await store.directory.listUsers()).length, keyCount: list.length };
    return seeded;
  } finally {
    await store.close();
  }
}
