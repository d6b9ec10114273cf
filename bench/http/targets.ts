// The servers compared over HTTP and how each one gets its credential headers.
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { openPrismaStore } from "../../strategy/index.js";
import { createJwtAuthorization } from "../../strategy/client/index.js";
import { spawnChild, type ChildHandle } from "../lib/child.js";
import { mintCrtauthToken } from "../lib/crtauth-token.js";
import { assertSameLayout, type JwtSignPool } from "../lib/jwt-sign-pool.js";
import { generateBenchKey, signerFor, type BenchKey } from "../lib/keys.js";
import { SshauthTokenSource, type SshauthIdentity } from "../lib/sshauth-tokens.js";
import { rfc9421Headers } from "../lib/rfc9421-headers.js";
import { sshsigHeaders } from "../lib/sshsig-headers.js";
import { checkoutSeed, seedRelease } from "../seed/upstream.js";

export interface Target {
  id: string;
  label: string;
  child: ChildHandle;
  url: string;
  /** Most requests one round may send now (single-use tokens have to be made first). */
  maxAmount(): number;
  /** Credential headers for the next `count` requests (null: none sent). */
  prepare(count: number): Promise<((i: number) => Readonly<Record<string, string>>) | null>;
}

export interface TargetContext {
  pool: JwtSignPool;
  tmpDir: string;
  crtauthSecret: string;
  schemes: readonly string[];
  maxTokensPerRound: number;
  /** sshauth keys: each gives one fresh token per second of the skew window. */
  sshauthKeys: number;
}

async function start(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ child: ChildHandle; url: string }> {
  const child = spawnChild(file, args, env);
  const { port } = await child.next<{ type: string; port: number }>("ready", 120_000);
  return { child, url: `http://127.0.0.1:${port}` };
}

async function sqliteDatabase(dir: string, name: string, users: { username: string; key: BenchKey }[]): Promise<string> {
  const url = `file:${path.join(dir, `${name}.db`)}`;
  const store = await openPrismaStore({ url });
  try {
    for (const { username, key } of users) {
      await store.directory.addUser(username);
      await store.directory.addKey(username, key.parsed.openssh);
    }
  } finally {
    await store.close();
  }
  return url;
}

/** Authorization values, one per request. */
function fromPool(tokens: string[]): (i: number) => Readonly<Record<string, string>> {
  return (i) => ({ authorization: tokens[i % tokens.length]! });
}

/** passport-jwt tokens: RS256, sub/iat/exp, reusable for an hour (passport-jwt has no replay guard). */
function passportJwtTokens(key: BenchKey, count: number): string[] {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const header = b64({ alg: "RS256", typ: "JWT" });
  const now = Math.floor(Date.now() / 1000);
  return Array.from({ length: count }, (_, i) => {
    const input = `${header}.${b64({ sub: "alice", iat: now, exp: now + 3600, jti: `b${i}` })}`;
    return `Bearer ${input}.${crypto.sign("sha256", Buffer.from(input), key.privateKey).toString("base64url")}`;
  });
}

export function createTmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), "pssk-bench-"));
}

export async function startTargets(ctx: TargetContext, log: (line: string) => void): Promise<{ targets: Target[]; notes: string[] }> {
  const notes: string[] = [];
  const alice = generateBenchKey("rsa2048", "alice");
  const aliceSpec = { privatePem: alice.privatePem, kid: alice.parsed.kid, username: "alice", alg: "RS256" as const };
  // The forged tokens must look exactly like the client's.
  const clientToken = await createJwtAuthorization({ signer: await signerFor(alice), username: "alice", algorithm: "RS256" });
  assertSameLayout((await ctx.pool.sign([aliceSpec], 1, Math.floor(Date.now() / 1000)))[0]!, clientToken);
  const passportTokens = passportJwtTokens(alice, 256);

  /** One chap: token for every request: a bearer token good until it expires. */
  const crtauthHeaders = () => {
    const headers = { authorization: `chap:${mintCrtauthToken("alice", ctx.crtauthSecret).text}` };
    return () => headers;
  };
  /** A server with crtauth on, sent one chap: token: a bearer token good until it expires, so the handshake is not on this path. */
  const crtauthTarget = (id: string, label: string, file: string, args: string[]) => async (): Promise<Target> => ({
    id,
    label,
    ...(await start(file, args, {
      BENCH_DATABASE_URL: await sqliteDatabase(ctx.tmpDir, id, [{ username: "alice", key: alice }]),
      BENCH_CRTAUTH_SECRET: ctx.crtauthSecret,
    })),
    maxAmount: () => Infinity,
    prepare: async () => crtauthHeaders(),
  });
  /** A crtauth floor: no database, the same chap: token. */
  const crtauthFloorTarget = (id: string, label: string, file: string) => async (): Promise<Target> => ({
    id,
    label,
    ...(await start(file, [], { BENCH_CRTAUTH_SECRET: ctx.crtauthSecret })),
    maxAmount: () => Infinity,
    prepare: async () => crtauthHeaders(),
  });

  // Servers start concurrently (tsx compiles each child), in a fixed order in the list.
  const factories: (() => Promise<Target>)[] = [
    async () => ({
      id: "hello",
      label: "(a) Express hello JSON, no auth",
      ...(await start("bench/http/servers/hello.ts", [], {})),
      maxAmount: () => Infinity,
      prepare: async () => null,
    }),
    async () => ({
      id: "sshkey-jwt-rs256",
      label: "(b) SshKeyStrategy JWT RS256, replay on, SQLite",
      ...(await start("bench/http/servers/sshkey.ts", [], {
        BENCH_DATABASE_URL: await sqliteDatabase(ctx.tmpDir, "jwt", [{ username: "alice", key: alice }]),
      })),
      maxAmount: () => ctx.maxTokensPerRound,
      prepare: async (count) => fromPool(await ctx.pool.sign([aliceSpec], count, Math.floor(Date.now() / 1000))),
    }),
    ...(["pem", "keyobject"] as const).map((mode) => async (): Promise<Target> => ({
      id: `passport-jwt-${mode}`,
      label: mode === "pem" ? "(c) passport-jwt RS256, PEM string (README)" : "(d) passport-jwt RS256, KeyObject",
      ...(await start("bench/http/servers/passport-jwt.ts", [mode], { BENCH_PUBLIC_PEM: alice.publicPem })),
      maxAmount: () => Infinity,
      prepare: async () => fromPool(passportTokens),
    })),
  ];
  if (ctx.schemes.includes("crtauth")) {
    factories.push(crtauthTarget("sshkey-crtauth", "(e) SshKeyStrategy crtauth token, SQLite", "bench/http/servers/sshkey.ts", []));
  } else {
    notes.push("crtauth: not available in this build (TODO row).");
  }
  if (ctx.schemes.includes("sshauth")) {
    factories.push(async () => {
      const users = Array.from({ length: ctx.sshauthKeys }, (_, i) => ({ username: `sa-${i}`, key: generateBenchKey("ed25519", `sa-${i}`) }));
      const db = await sqliteDatabase(ctx.tmpDir, "sshauth", users);
      const identities: SshauthIdentity[] = await Promise.all(users.map(async (u) => ({ username: u.username, signer: await signerFor(u.key) })));
      const source = new SshauthTokenSource(identities);
      return {
        id: "sshkey-sshauth-ed25519",
        label: "(f) SshKeyStrategy sshauth Ed25519, replay on, SQLite",
        ...(await start("bench/http/servers/sshkey.ts", [], { BENCH_DATABASE_URL: db })),
        maxAmount: () => Math.min(ctx.maxTokensPerRound, source.capacity() - 200),
        prepare: async (count) => fromPool(await source.take(count)),
      };
    });
  } else {
    notes.push("sshauth: not available in this build (TODO row).");
  }
  if (ctx.schemes.includes("sshsig")) {
    factories.push(async () => {
      const key = generateBenchKey("ed25519", "sshsig");
      const server = await start("bench/http/servers/sshkey.ts", [], {
        BENCH_DATABASE_URL: await sqliteDatabase(ctx.tmpDir, "sshsig", [{ username: "alice", key }]),
      });
      const request = { method: "GET", host: new URL(server.url).host, target: "/whoami" };
      return {
        id: "sshkey-sshsig-ed25519",
        label: "(h) SshKeyStrategy SSHSIG Ed25519, replay on, SQLite",
        ...server,
        maxAmount: () => ctx.maxTokensPerRound,
        // One nonce per request, signed just before the round (well inside the ±60 s window).
        prepare: async (count) => fromPool(sshsigHeaders(key, "alice", count, request)),
      };
    });
  } else {
    notes.push("SSHSIG: not available in this build (TODO row).");
  }
  if (ctx.schemes.includes("rfc9421")) {
    factories.push(async () => {
      const key = generateBenchKey("ed25519", "rfc9421");
      const server = await start("bench/http/servers/sshkey.ts", [], {
        BENCH_DATABASE_URL: await sqliteDatabase(ctx.tmpDir, "rfc9421", [{ username: "alice", key }]),
      });
      const target = `${server.url}/whoami`;
      return {
        id: "sshkey-rfc9421-ed25519",
        label: "(i) SshKeyStrategy RFC 9421 Ed25519, replay on, SQLite",
        ...server,
        maxAmount: () => ctx.maxTokensPerRound,
        // One nonce per request, signed just before the round (well inside the 60 s window).
        prepare: async (count) => {
          const pool = rfc9421Headers(key, count, { method: "GET", targetUri: target });
          return (i) => pool[i % pool.length]!;
        },
      };
    });
  } else {
    notes.push("RFC 9421: not available in this build (TODO row).");
  }
  const seed = checkoutSeed(ctx.tmpDir);
  if ("skipped" in seed) {
    notes.push(`seed (m): skipped — ${seed.skipped}`);
  } else {
    factories.push(async () => ({
      id: "django-seed",
      label: `(m) asymmetric-jwt-auth ${seedRelease} on Django + gunicorn (1 process, 4 threads), replay on, SQLite`,
      ...(await start("bench/http/servers/django-seed.ts", [], {
        BENCH_SEED_CHECKOUT: seed.dir,
        BENCH_SEED_WORKDIR: fs.mkdtempSync(path.join(ctx.tmpDir, "seed-")),
        BENCH_PUBLIC_PEM: alice.publicPem,
      })),
      maxAmount: () => ctx.maxTokensPerRound,
      // The same key and the same tokens as (b): upstream's client format is what our JWT route reads.
      prepare: async (count) => fromPool(await ctx.pool.sign([aliceSpec], count, Math.floor(Date.now() / 1000))),
    }));
  }
  // Fastify: the plugin's rows beside their Express counterparts, on the same key and tokens.
  factories.push(
    async () => ({
      id: "fastify-hello",
      label: "(j) Fastify hello JSON, no auth",
      ...(await start("bench/http/servers/fastify.ts", ["hello"], {})),
      maxAmount: () => Infinity,
      prepare: async () => null,
    }),
    async () => ({
      id: "fastify-sshkey-jwt-rs256",
      label: "(k) Fastify plugin JWT RS256, replay on, SQLite",
      ...(await start("bench/http/servers/fastify.ts", ["sshkey"], {
        BENCH_DATABASE_URL: await sqliteDatabase(ctx.tmpDir, "fastify-jwt", [{ username: "alice", key: alice }]),
      })),
      maxAmount: () => ctx.maxTokensPerRound,
      prepare: async (count) => fromPool(await ctx.pool.sign([aliceSpec], count, Math.floor(Date.now() / 1000))),
    }),
  );
  // The floors: each does only the work its row cannot avoid, with node's and the drivers' own primitives.
  factories.push(
    ...(["sqlite", "memory"] as const).map((mode) => async (): Promise<Target> => ({
      id: mode === "sqlite" ? "floor-jwt-sqlite" : "floor-jwt-memory",
      label: mode === "sqlite" ? "(p) floor: passport + RS256 verify + replay INSERT into SQLite" : "(p0) floor: passport + RS256 verify + replay id in a Set",
      ...(await start("bench/http/servers/passport-jwt-floor.ts", [mode], {
        BENCH_PUBLIC_PEM: alice.publicPem,
        BENCH_REPLAY_DB: path.join(ctx.tmpDir, "floor-replay.db"),
      })),
      maxAmount: () => ctx.maxTokensPerRound,
      prepare: async (count) => fromPool(await ctx.pool.sign([aliceSpec], count, Math.floor(Date.now() / 1000))),
    })),
  );
  if (ctx.schemes.includes("crtauth")) {
    factories.push(
      crtauthFloorTarget("floor-passport-crtauth", "(o) floor: passport + the crtauth token MAC alone", "bench/http/servers/passport-crtauth-floor.ts"),
      crtauthFloorTarget("floor-fastify-crtauth", "(n) floor: Fastify + the crtauth token MAC alone", "bench/http/servers/fastify-crtauth-floor.ts"),
    );
  }
  if (ctx.schemes.includes("crtauth")) {
    factories.push(crtauthTarget("fastify-sshkey-crtauth", "(l) Fastify plugin crtauth token, SQLite", "bench/http/servers/fastify.ts", ["sshkey"]));
  }
  factories.push(async () => ({
    id: "passport-floor",
    label: "(g) passport.authenticate + a strategy that accepts at once",
    ...(await start("bench/http/servers/passport-floor.ts", [], {})),
    maxAmount: () => Infinity,
    prepare: async () => null,
  }));
  const targets = await Promise.all(factories.map((f) => f()));
  log(`http: ${targets.length} servers up (${targets.map((t) => t.id).join(", ")})`);
  return { targets, notes };
}
