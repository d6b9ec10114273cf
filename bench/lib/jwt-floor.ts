// The least an asymmetric-jwt-auth token check can do: split, decode and parse header and claims,
// the algorithm, one signature verify on a KeyObject made beforehand, the time claim, and a
// replay id (SHA-256 of the signature). What is done with the id is the caller's: the floors
// differ only there.
import crypto, { type KeyObject } from "node:crypto";

export interface JwtFloorKey {
  alg: "RS256" | "EdDSA" | "ES256";
  key: KeyObject;
}

/** The strategy's default leeway on the `time` claim. */
const SKEW_SECONDS = 20;

const hashOf = { RS256: "sha256", EdDSA: null, ES256: "sha256" } as const;

export interface JwtFloorChecked {
  username: string;
  replayId: string;
  /** UNIX seconds after which the token is refused anyway, so its replay id may go. */
  expiresAtS: number;
}

/** What a good `JWT <token>` / `Bearer <token>` credential says, or null. */
export function jwtFloorCheck(authorization: string | undefined, key: JwtFloorKey, nowMs: number): JwtFloorChecked | null {
  if (authorization === undefined) return null;
  const space = authorization.indexOf(" ");
  const word = authorization.slice(0, space);
  if (word !== "JWT" && word !== "Bearer") return null;
  const token = authorization.slice(space + 1);
  const first = token.indexOf(".");
  const second = token.indexOf(".", first + 1);
  if (first < 0 || second < 0) return null;
  const header = JSON.parse(Buffer.from(token.slice(0, first), "base64url").toString("utf8")) as { alg?: unknown };
  const claims = JSON.parse(Buffer.from(token.slice(first + 1, second), "base64url").toString("utf8")) as { username?: unknown; time?: unknown };
  if (header.alg !== key.alg || typeof claims.username !== "string" || typeof claims.time !== "number") return null;
  const signature = Buffer.from(token.slice(second + 1), "base64url");
  const signer = key.alg === "ES256" ? { key: key.key, dsaEncoding: "ieee-p1363" as const } : key.key;
  if (!crypto.verify(hashOf[key.alg], Buffer.from(token.slice(0, second), "ascii"), signer, signature)) return null;
  if (Math.abs(nowMs / 1000 - claims.time) > SKEW_SECONDS) return null;
  return { username: claims.username, replayId: crypto.hash("sha256", signature, "hex"), expiresAtS: claims.time + SKEW_SECONDS + 1 };
}

/** Fails loudly if the check accepts a token whose signature is not the key's. */
export function assertJwtFloorRefusesForgery(key: JwtFloorKey): void {
  const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");
  const input = `${b64({ alg: key.alg, typ: "JWT" })}.${b64({ username: "alice", time: Math.floor(Date.now() / 1000), nonce: "forged" })}`;
  const signature = crypto.randomBytes(key.alg === "RS256" ? 256 : 64).toString("base64url");
  if (jwtFloorCheck(`JWT ${input}.${signature}`, key, Date.now()) !== null) throw new Error("JWT floor accepted a forged signature");
}
