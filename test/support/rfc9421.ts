// Requests signed by the independent `http-message-signatures` package (RFC 9421), with an
// SSH key loaded by sshpk and a signer on node:crypto: nothing of ours signs them, so a test
// that sends them checks our verifier against another implementation.
import { createHash, createPrivateKey, randomBytes, sign as cryptoSign, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { httpbis } from "http-message-signatures";
import sshpk from "sshpk";
import { fetchJson } from "./server.js";

/** The RFC 9421 alg each SSH key type signs with (§3.3), written out here rather than read from our table. */
const algOf: Record<string, string> = {
  "ssh-ed25519": "ed25519",
  "ecdsa-sha2-nistp256": "ecdsa-p256-sha256",
  "ecdsa-sha2-nistp384": "ecdsa-p384-sha384",
  "ecdsa-sha2-nistp521": "ecdsa-p521-sha512",
  "ssh-rsa": "rsa-v1_5-sha256",
};

export interface PackageKey {
  readonly keyObject: KeyObject;
  /** The SSH key type of the .pub beside it. */
  readonly sshType: string;
  readonly alg: string;
}

/** An OpenSSH private key file as node:crypto's key (through sshpk's PKCS#8 export). */
export function loadPackageKey(privateKeyPath: string): PackageKey {
  const key = sshpk.parsePrivateKey(readFileSync(privateKeyPath, "utf8"), "ssh");
  const sshType = readFileSync(`${privateKeyPath}.pub`, "utf8").split(" ")[0]!;
  // sshpk's PKCS#8 for Ed25519 is not one node reads: its seed and public point go in as a JWK.
  const part = (name: string) => (key.part as unknown as Record<string, { data: Buffer }>)[name]!.data.subarray(-32).toString("base64url");
  const keyObject =
    key.type === "ed25519"
      ? createPrivateKey({ key: { kty: "OKP", crv: "Ed25519", d: part("k"), x: part("A") }, format: "jwk" })
      : createPrivateKey(key.toString("pkcs8"));
  return { keyObject, sshType, alg: algOf[sshType]! };
}

/** node:crypto's signature for an alg: ECDSA as fixed-length r‖s (RFC 9421 §3.3.4), RSA PKCS#1 v1.5. */
function signWith(key: PackageKey, alg: string, data: Buffer): Buffer {
  if (alg.startsWith("ecdsa-"))
    return cryptoSign(alg.endsWith("384") ? "sha384" : alg.endsWith("512") ? "sha512" : "sha256", data, { key: key.keyObject, dsaEncoding: "ieee-p1363" });
  if (alg === "rsa-v1_5-sha256") return cryptoSign("sha256", data, key.keyObject);
  return cryptoSign(null, data, key.keyObject);
}

export interface PackageSignOptions {
  /** Components to cover (default @method and @target-uri, plus content-digest with a body). */
  fields?: string[];
  /** Seconds since the epoch. */
  created: number;
  expires?: number;
  nonce?: string | null;
  keyid: string;
  /** The alg parameter written (default the key's; null: none). */
  alg?: string | null;
  /** The alg actually signed with (default the key's), to forge a mismatch. */
  signAlg?: string;
  label?: string;
  /** Extra parameters written, e.g. `{ tag: "x" }`. */
  extra?: Record<string, string | number>;
}

export interface SignedRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
}

/** The body's Content-Digest (RFC 9530), computed here. */
export function sha256Digest(body: string): string {
  return `sha-256=:${createHash("sha256").update(body).digest("base64")}:`;
}

export const freshNonce = (): string => randomBytes(12).toString("base64url");

/** Signs `request` with http-message-signatures' httpbis.signMessage; a body gets a Content-Digest first. */
export async function packageSign(key: PackageKey, request: SignedRequest, o: PackageSignOptions): Promise<SignedRequest> {
  const headers: Record<string, string> = { ...request.headers };
  if (request.body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === "content-digest"))
    headers["Content-Digest"] = sha256Digest(request.body);
  const fields = o.fields ?? (request.body === undefined ? ["@method", "@target-uri"] : ["@method", "@target-uri", "content-digest"]);
  const alg = o.alg === undefined ? key.alg : o.alg;
  const nonce = o.nonce === undefined ? freshNonce() : o.nonce;
  const params = ["created", ...(o.expires === undefined ? [] : ["expires"]), ...(nonce === null ? [] : ["nonce"]), ...(alg === null ? [] : ["alg"]), "keyid"];
  const signed = await httpbis.signMessage(
    {
      key: { id: o.keyid, ...(alg === null ? {} : { alg }), sign: async (data: Buffer) => signWith(key, o.signAlg ?? key.alg, data) },
      name: o.label ?? "sig1",
      fields,
      params: [...params, ...Object.keys(o.extra ?? {})],
      paramValues: {
        created: new Date(o.created * 1000),
        ...(o.expires === undefined ? {} : { expires: new Date(o.expires * 1000) }),
        ...(nonce === null ? {} : { nonce }),
        ...(alg === null ? {} : { alg }),
        keyid: o.keyid,
        ...o.extra,
      },
    },
    { method: request.method, url: request.url, headers },
  );
  return { ...request, headers: signed.headers as Record<string, string> };
}

/** Sends a signed request with fetch; the JSON answer and the headers. */
export function send(request: SignedRequest): Promise<{ status: number; body: any; headers: Headers }> {
  return fetchJson(request.url, { method: request.method, headers: request.headers, ...(request.body === undefined ? {} : { body: request.body }) });
}
