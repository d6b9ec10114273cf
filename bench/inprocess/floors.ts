// The in-process floors: the least work a check of the same credentials must do, synchronously
// (decode, the one signature verify on a KeyObject made beforehand, the time check, a replay id
// hashed and added to a Set). floor ÷ raw says how much of a miss no implementation could win back.
import crypto, { type KeyObject } from "node:crypto";
import { jwtFloorCheck, type JwtFloorKey } from "../lib/jwt-floor.js";

/** Runs `check` over the pool round robin; the replay Set empties when the pool wraps, as the store's does. */
function floorLoop<T>(pool: readonly T[], check: (item: T, seen: Set<string>) => boolean): () => boolean {
  const seen = new Set<string>();
  let cursor = 0;
  return () => {
    const ok = check(pool[cursor]!, seen);
    cursor = (cursor + 1) % pool.length;
    if (cursor === 0) seen.clear();
    return ok;
  };
}

/** A replay guard over a Set: false when `id` was seen. */
const firstUse = (seen: Set<string>, id: string) => seen.size !== seen.add(id).size;

export function jwtFloor(authorizations: readonly string[], key: JwtFloorKey): () => boolean {
  const good = authorizations[0]!;
  // A character inside the signature: the last one may carry only padding bits.
  const at = good.length - 10;
  const tampered = `${good.slice(0, at)}${good[at] === "A" ? "B" : "A"}${good.slice(at + 1)}`;
  if (jwtFloorCheck(good, key, Date.now()) === null || jwtFloorCheck(tampered, key, Date.now()) !== null)
    throw new Error("JWT floor: a good token refused or a tampered one accepted");
  return floorLoop(authorizations, (authorization, seen) => {
    const checked = jwtFloorCheck(authorization, key, Date.now());
    return checked !== null && firstUse(seen, checked.replayId);
  });
}

export interface SshauthFloorKey {
  keyObject: KeyObject;
  /** SHA-256 of the SSH public-key blob. */
  fingerprint: Buffer;
}

const PREFIX = Buffer.from("oxauth", "latin1");
const SUFFIX = Buffer.from("htuaxo", "latin1");
const MAGIC = Buffer.from("byo.e.m.", "utf8");
const MAX_SKEW_SECONDS = 60;

/** A postcard varint at `at` (no token field here needs more than 53 bits): [value, next offset]. */
function varint(bytes: Buffer, at: number): [number, number] {
  let value = 0;
  for (let shift = 1; ; shift *= 128) {
    const b = bytes[at++];
    if (b === undefined || shift > 2 ** 49) return [NaN, at];
    value += (b & 0x7f) * shift;
    if (b < 0x80) return [value, at];
  }
}

/** SSH mpint(r) || mpint(s) → r‖s, 32 bytes each. */
function p1363(data: Buffer): Buffer | null {
  const out = Buffer.alloc(64);
  let at = 0;
  for (const half of [0, 32]) {
    const length = data.readUInt32BE(at);
    let part = data.subarray(at + 4, at + 4 + length);
    at += 4 + length;
    if (part[0] === 0) part = part.subarray(1);
    if (part.length > 32) return null;
    part.copy(out, half + 32 - part.length);
  }
  return at === data.length ? out : null;
}

/** The username of a good `Bearer <sshauth token>` (identity and fingerprint in it, no actions bound), or null. */
function sshauthFloorCheck(authorization: string, keys: ReadonlyMap<string, SshauthFloorKey>, nowS: number): { username: string; replayId: string } | null {
  const raw = Buffer.from(authorization.slice(authorization.indexOf(" ") + 1), "base64url");
  // 00 (V1) | 01 00 len identity | 01 00 fingerprint[32] | varint time | varint alg | varint len signature
  if (raw[0] !== 0 || raw[1] !== 1 || raw[2] !== 0) return null;
  const [identityLength, identityAt] = varint(raw, 3);
  const username = raw.toString("utf8", identityAt, identityAt + identityLength);
  const fingerprintAt = identityAt + identityLength + 2;
  if (raw[fingerprintAt - 2] !== 1 || raw[fingerprintAt - 1] !== 0) return null;
  const [timestamp, algAt] = varint(raw, fingerprintAt + 32);
  const [alg, lengthAt] = varint(raw, algAt);
  const [signatureLength, signatureAt] = varint(raw, lengthAt);
  const key = keys.get(username);
  if (key === undefined || !key.fingerprint.equals(raw.subarray(fingerprintAt, fingerprintAt + 32))) return null;
  // The signed blob is TokenV1 as sent, then the empty action list.
  const blob = Buffer.concat([PREFIX, MAGIC, raw.subarray(1, algAt), Buffer.from([0]), SUFFIX]);
  const message = Buffer.concat([PREFIX, MAGIC, crypto.hash("sha256", blob, "buffer"), SUFFIX]);
  const data = raw.subarray(signatureAt, signatureAt + signatureLength);
  const signature = alg === 1 ? data : alg === 0 ? p1363(data) : null;
  if (signature === null) return null;
  const verified =
    alg === 1
      ? crypto.verify(null, message, key.keyObject, signature)
      : crypto.verify("sha256", message, { key: key.keyObject, dsaEncoding: "ieee-p1363" }, signature);
  if (!verified || Math.abs(nowS - timestamp) > MAX_SKEW_SECONDS) return null;
  return { username, replayId: crypto.hash("sha256", Buffer.concat([key.fingerprint, message]), "hex") };
}

export function sshauthFloor(authorizations: readonly string[], keys: ReadonlyMap<string, SshauthFloorKey>): () => boolean {
  const good = Buffer.from(authorizations[0]!.slice(7), "base64url");
  good[good.length - 1]! ^= 1;
  const tampered = `Bearer ${good.toString("base64url")}`;
  if (sshauthFloorCheck(authorizations[0]!, keys, Date.now() / 1000) === null || sshauthFloorCheck(tampered, keys, Date.now() / 1000) !== null) {
    throw new Error("sshauth floor: a good token refused or a tampered one accepted");
  }
  return floorLoop(authorizations, (authorization, seen) => {
    const checked = sshauthFloorCheck(authorization, keys, Date.now() / 1000);
    return checked !== null && firstUse(seen, checked.replayId);
  });
}
