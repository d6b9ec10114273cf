// The in-process cases: one per scheme and key type, each with a raw node:crypto baseline
// that checks the very same signatures (or MAC) the credentials carry.
import crypto from "node:crypto";
import { SshKeyStrategy, type AuthScheme, type SshKeyStrategyOptions } from "../../strategy/index.js";
import { createJwtToken } from "../../strategy/client/index.js";
import { lookupJwsAlgorithm } from "../../strategy/schemes/jwt/algorithms.js";
import { checkClaims } from "../../strategy/schemes/jwt/claims.js";
import { decodeJwt } from "../../strategy/schemes/jwt/decode.js";
import { verifyJwsSignature } from "../../strategy/schemes/jwt/verify-signature.js";
import { mintCrtauthToken } from "../lib/crtauth-token.js";
import type { JwtFloorKey } from "../lib/jwt-floor.js";
import { capturingSigner, generateBenchKey, signerFor, type BenchKeyType, type CapturedSignature } from "../lib/keys.js";
import { SshauthTokenSource, sshauthTimestampsPerKey } from "../lib/sshauth-tokens.js";
import { rfc9421Headers } from "../lib/rfc9421-headers.js";
import { sshsigHeaders } from "../lib/sshsig-headers.js";
import { authenticateOnce, credentialOf, fakeRequest, fakeRequestTarget, verifyOnce, type BenchCredential } from "./harness.js";
import { jwtFloor, sshauthFloor, type SshauthFloorKey } from "./floors.js";
import { createMemoryStore, type MemoryStore } from "./memory-store.js";

export interface CaseSpec {
  id: string;
  scheme: "jwt" | "crtauth" | "sshauth" | "sshsig" | "rfc9421";
  label: string;
  raw: string;
  poolSize: (cfg: { rsaPool: number; pool: number }) => number;
}

export interface PreparedCase {
  raw(): boolean;
  /** JWT only: the JWS verifier alone (decode, algorithm policy, signature, claims), synchronous like raw. */
  jws?(): boolean;
  verify(): Promise<unknown>;
  authenticate(): Promise<unknown>;
  /** The targeted cases only: the least work a check of the same credentials must do (floors.ts), synchronous like raw. */
  floor?(): boolean;
}

export const caseSpecs: CaseSpec[] = [
  { id: "jwt-rs256", scheme: "jwt", label: "JWT RS256 (RSA-2048)", raw: "crypto.verify sha256, RSA KeyObject", poolSize: (c) => c.rsaPool },
  { id: "jwt-rs512", scheme: "jwt", label: "JWT RS512 (RSA-2048)", raw: "crypto.verify sha512, RSA KeyObject", poolSize: (c) => c.rsaPool },
  { id: "jwt-eddsa", scheme: "jwt", label: "JWT EdDSA (Ed25519)", raw: "crypto.verify, Ed25519 KeyObject", poolSize: (c) => c.pool },
  { id: "jwt-es256", scheme: "jwt", label: "JWT ES256 (P-256)", raw: "crypto.verify sha256 P1363, P-256 KeyObject", poolSize: (c) => c.pool },
  { id: "crtauth-token", scheme: "crtauth", label: "crtauth token (HMAC-SHA256)", raw: "createHmac sha256 + timingSafeEqual", poolSize: () => 1 },
  { id: "sshauth-ed25519", scheme: "sshauth", label: "sshauth Ed25519", raw: "crypto.verify, Ed25519 KeyObject", poolSize: (c) => c.pool },
  { id: "sshauth-p256", scheme: "sshauth", label: "sshauth ECDSA P-256", raw: "crypto.verify sha256 P1363, P-256 KeyObject", poolSize: (c) => c.pool },
  { id: "sshsig-ed25519", scheme: "sshsig", label: "SSHSIG Ed25519", raw: "crypto.verify, Ed25519 KeyObject", poolSize: (c) => c.pool },
  { id: "sshsig-p256", scheme: "sshsig", label: "SSHSIG ECDSA P-256", raw: "crypto.verify sha256 P1363, P-256 KeyObject", poolSize: (c) => c.pool },
  { id: "rfc9421-ed25519", scheme: "rfc9421", label: "RFC 9421 Ed25519", raw: "crypto.verify, Ed25519 KeyObject", poolSize: (c) => c.pool },
  { id: "rfc9421-p256", scheme: "rfc9421", label: "RFC 9421 ECDSA P-256", raw: "crypto.verify sha256 P1363, P-256 KeyObject", poolSize: (c) => c.pool },
];

const crtauthSecret = "bench-crtauth-secret-0123456789abcdef";

/** The JWT cases issue 19 sets a target for, which get a floor. */
const jwtFloorAlgs: Partial<Record<string, JwtFloorKey["alg"]>> = { "jwt-rs256": "RS256", "jwt-eddsa": "EdDSA", "jwt-es256": "ES256" };

/** Scheme names this build of the library offers (read from a default strategy). */
export function availableSchemes(): string[] {
  return new SshKeyStrategy({ store: createMemoryStore() }).schemes.map((s) => s.name);
}

function strategyFor(store: MemoryStore, schemes: readonly string[]): SshKeyStrategy {
  const options: SshKeyStrategyOptions & Record<string, unknown> = { store };
  if (schemes.includes("crtauth")) options.crtauth = { secret: crtauthSecret };
  return new SshKeyStrategy(options);
}

function schemeOf(strategy: SshKeyStrategy, name: string): AuthScheme {
  const scheme = strategy.schemes.find((s) => s.name === name);
  if (!scheme) throw new Error(`scheme ${name} is not enabled`);
  return scheme;
}

/** Shared pool cursor: scheme and strategy loops draw from one pool; the replay store resets when it wraps. */
function poolRunner(
  store: MemoryStore,
  strategy: SshKeyStrategy,
  scheme: AuthScheme,
  headers: BenchCredential[],
  captured: CapturedSignature[],
  rawCheck: (c: CapturedSignature) => boolean,
): PreparedCase {
  const credentials = headers.map((h) => credentialOf(h, scheme));
  const requests = headers.map(fakeRequest);
  let cursor = 0;
  let rawCursor = 0;
  const take = () => {
    const i = cursor;
    cursor = (cursor + 1) % headers.length;
    if (cursor === 0) store.replay.reset();
    return i;
  };
  return {
    raw: () => {
      const c = captured[rawCursor]!;
      rawCursor = (rawCursor + 1) % captured.length;
      return rawCheck(c);
    },
    verify: () => {
      const i = take();
      return verifyOnce(scheme, store, requests[i]!, credentials[i]!);
    },
    authenticate: () => authenticateOnce(strategy, requests[take()]!),
  };
}

function rawVerifier(type: BenchKeyType, hash: "sha256" | "sha512" | null): (c: CapturedSignature) => boolean {
  if (type === "p256") return (c) => crypto.verify("sha256", c.data, { key: c.key, dsaEncoding: "ieee-p1363" }, c.signature);
  return (c) => crypto.verify(hash, c.data, c.key, c.signature);
}

export async function prepareCase(spec: CaseSpec, schemes: readonly string[], pools: { rsaPool: number; pool: number }): Promise<PreparedCase> {
  const store = createMemoryStore();
  const strategy = strategyFor(store, schemes);
  const size = spec.poolSize(pools);

  if (spec.scheme === "jwt") {
    const [type, algorithm, hash] = (
      {
        "jwt-rs256": ["rsa2048", "RS256", "sha256"],
        "jwt-rs512": ["rsa2048", "RS512", "sha512"],
        "jwt-eddsa": ["ed25519", "EdDSA", null],
        "jwt-es256": ["p256", "ES256", "sha256"],
      } as const
    )[spec.id as "jwt-rs256"];
    const key = generateBenchKey(type);
    store.keys.addKey("alice", key.parsed);
    const captured: CapturedSignature[] = [];
    const signer = capturingSigner(await signerFor(key), captured);
    const headers = new Array<string>(size);
    let next = 0;
    await Promise.all(
      Array.from({ length: 16 }, async () => {
        while (next < size) {
          const i = next++;
          headers[i] = `JWT ${await createJwtToken({ signer, username: "alice", algorithm })}`;
        }
      }),
    );
    const runner = poolRunner(store, strategy, schemeOf(strategy, "jwt"), headers, captured, rawVerifier(type, hash));
    // What the anchors' "minimal JWS verifier" does, with our policy: no store, no replay, no strategy.
    const credentials = headers.map((h) => credentialOf(h));
    let jwsCursor = 0;
    const jws = () => {
      const jwt = decodeJwt(credentials[jwsCursor]!);
      jwsCursor = (jwsCursor + 1) % credentials.length;
      const policy = lookupJwsAlgorithm(jwt.alg);
      if (!policy || policy.keyType !== key.parsed.type || !verifyJwsSignature(jwt, key.parsed.keyObject, policy)) return false;
      checkClaims(jwt.claims, Date.now(), 20);
      return true;
    };
    const floorAlg = jwtFloorAlgs[spec.id];
    return { ...runner, jws, ...(floorAlg ? { floor: jwtFloor(headers, { alg: floorAlg, key: captured[0]!.key }) } : {}) };
  }

  if (spec.scheme === "crtauth") {
    const key = generateBenchKey("rsa2048");
    store.keys.addKey("alice", key.parsed);
    const token = mintCrtauthToken("alice", crtauthSecret);
    const header = `chap:${token.text}`;
    const credential = credentialOf(header);
    const scheme = schemeOf(strategy, "crtauth");
    const request = fakeRequest(header);
    const secret = Buffer.from(crtauthSecret, "utf8");
    return {
      raw: () => {
        const mac = crypto.createHmac("sha256", secret).update(token.body).digest();
        return crypto.timingSafeEqual(mac, token.mac);
      },
      verify: () => verifyOnce(scheme, store, request, credential),
      authenticate: () => authenticateOnce(strategy, request),
    };
  }

  if (spec.scheme === "sshsig") {
    const type: BenchKeyType = spec.id === "sshsig-p256" ? "p256" : "ed25519";
    const key = generateBenchKey(type);
    store.keys.addKey("alice", key.parsed);
    const captured: CapturedSignature[] = [];
    // Signed over exactly the request the harness fakes; one nonce each, so replay protection stays on.
    const headers = sshsigHeaders(key, "alice", size, fakeRequestTarget, captured);
    return poolRunner(store, strategy, schemeOf(strategy, "sshsig"), headers, captured, rawVerifier(type, type === "p256" ? "sha256" : null));
  }

  if (spec.scheme === "rfc9421") {
    const type: BenchKeyType = spec.id === "rfc9421-p256" ? "p256" : "ed25519";
    const key = generateBenchKey(type);
    store.keys.addKey("alice", key.parsed);
    const captured: CapturedSignature[] = [];
    // Signed for the harness's fake request, which has no TLS: http://<host><target>.
    const headers = rfc9421Headers(
      key,
      size,
      { method: fakeRequestTarget.method, targetUri: `http://${fakeRequestTarget.host}${fakeRequestTarget.target}` },
      captured,
    );
    return poolRunner(store, strategy, schemeOf(strategy, "rfc9421"), headers, captured, rawVerifier(type, type === "p256" ? "sha256" : null));
  }

  const type: BenchKeyType = spec.id === "sshauth-p256" ? "p256" : "ed25519";
  const keyCount = Math.ceil(size / sshauthTimestampsPerKey);
  const captured: CapturedSignature[] = [];
  const floorKeys = new Map<string, SshauthFloorKey>();
  const identities = await Promise.all(
    Array.from({ length: keyCount }, async (_, i) => {
      const key = generateBenchKey(type);
      const username = `sa-${i}`;
      store.keys.addKey(username, key.parsed);
      floorKeys.set(username, { keyObject: key.parsed.keyObject, fingerprint: crypto.hash("sha256", key.parsed.blob, "buffer") });
      return { username, signer: capturingSigner(await signerFor(key), captured) };
    }),
  );
  const headers = await new SshauthTokenSource(identities).take(size);
  const runner = poolRunner(store, strategy, schemeOf(strategy, "sshauth"), headers, captured, rawVerifier(type, type === "p256" ? "sha256" : null));
  return { ...runner, floor: sshauthFloor(headers, floorKeys) };
}
