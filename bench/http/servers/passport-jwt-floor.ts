// (p)/(p0) The floor under (b): passport.authenticate() with a strategy doing only the JWT check
// (bench/lib/jwt-floor.ts) and the replay guard, its id INSERTed into SQLite ("sqlite": WAL,
// synchronous NORMAL as the product's store, a PRIMARY KEY refusing a second use) or kept in a
// Set ("memory"), to tell the database write from the rest.
import crypto from "node:crypto";
import Database from "better-sqlite3";
import type { Request } from "express";
import passport from "passport";
import { Strategy } from "passport-strategy";
import { assertJwtFloorRefusesForgery, jwtFloorCheck, type JwtFloorKey } from "../../lib/jwt-floor.js";
import { listenLoopback, runServer, whoamiApp } from "./runtime.js";

/** Records a replay id; false when it was seen before. */
type ReplayGuard = (id: string, expiresAtS: number) => boolean;

function sqliteGuard(file: string): ReplayGuard {
  const db = new Database(file);
  db.pragma("journal_mode = WAL");
  db.pragma("synchronous = NORMAL");
  db.exec("CREATE TABLE IF NOT EXISTS replay (id TEXT PRIMARY KEY, expires INTEGER NOT NULL)");
  const insert = db.prepare("INSERT INTO replay (id, expires) VALUES (?, ?)");
  return (id, expiresAtS) => {
    try {
      insert.run(id, expiresAtS);
      return true;
    } catch (error) {
      if ((error as { code?: string }).code === "SQLITE_CONSTRAINT_PRIMARYKEY") return false;
      throw error;
    }
  };
}

function memoryGuard(): ReplayGuard {
  const seen = new Set<string>();
  return (id) => seen.size !== seen.add(id).size;
}

class JwtOnly extends Strategy {
  name = "jwt-floor";
  constructor(
    private readonly key: JwtFloorKey,
    private readonly guard: ReplayGuard,
  ) {
    super();
  }
  override authenticate(req: Request): void {
    const checked = jwtFloorCheck(req.headers.authorization, this.key, Date.now());
    if (checked === null || !this.guard(checked.replayId, checked.expiresAtS)) this.fail("JWT", 401);
    else this.success({ username: checked.username }, { scheme: "jwt" });
  }
}

runServer(async () => {
  const mode = process.argv[2];
  const pem = process.env.BENCH_PUBLIC_PEM;
  const file = process.env.BENCH_REPLAY_DB;
  if (!pem || (mode !== "sqlite" && mode !== "memory") || (mode === "sqlite" && !file)) {
    throw new Error("usage: passport-jwt-floor.ts sqlite|memory with BENCH_PUBLIC_PEM (and BENCH_REPLAY_DB for sqlite)");
  }
  const key: JwtFloorKey = { alg: "RS256", key: crypto.createPublicKey(pem) };
  assertJwtFloorRefusesForgery(key);
  const guard = mode === "sqlite" ? sqliteGuard(file!) : memoryGuard();
  if (!guard("self-check", 0) || guard("self-check", 0)) throw new Error("JWT floor's replay guard accepted an id twice");
  const authenticator = new passport.Passport();
  authenticator.use(new JwtOnly(key, guard));
  const app = whoamiApp("jwt", authenticator.authenticate("jwt-floor", { session: false }));
  return { server: await listenLoopback(app) };
});
