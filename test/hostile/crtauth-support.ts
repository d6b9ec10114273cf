// What both crtauth sections need: the demo app with /_auth on a fixed clock, a user with an
// RSA key and its signer, the handshake by hand, and hand-written msgpack for lying messages.
import type { Signer } from "../../strategy/client/signer.js";
import { loadKeyFileSigner } from "../../strategy/client/index.js";
import { createRequest, createResponse } from "../../strategy/schemes/crtauth/client.js";
import type { DatabaseKind } from "../support/databases.js";
import { fixtureText } from "../support/forge-jwt.js";
import { startTestServer, type TestServer } from "../support/server.js";
import { expect } from "vitest";
import { expectEventLogged, rawRequest } from "./support.js";

export const T = 1_700_000_000;

export interface CrtauthServer {
  t: TestServer;
  signer: Signer;
  /** Sends one X-CHAP value to /_auth, byte for byte. */
  chap(value: string, method?: string, userAgent?: string): ReturnType<typeof rawRequest>;
  /** request → challenge → signed response text (not sent). */
  signedResponse(username?: string): Promise<string>;
  /** The whole handshake: a token for `Authorization: chap:…` (its response step sent with `userAgent`, which the sign-in's event keeps). */
  token(username?: string, userAgent?: string): Promise<string>;
}

export async function startCrtauthServer(kind: DatabaseKind): Promise<CrtauthServer> {
  const t = await startTestServer(kind, { startAt: T * 1000, crtauth: { secret: "hostile-crtauth-secret" } });
  await t.store.directory.addUser("alice");
  await t.store.directory.addKey("alice", fixtureText("ajwt/rsa2048.pub"));
  const signer = await loadKeyFileSigner({ text: fixtureText("ajwt/rsa2048.pem") });
  const chap = (value: string, method = "GET", userAgent?: string) =>
    rawRequest(t.url, { method, path: "/_auth", headers: [["X-CHAP", value], ...(userAgent ? [["User-Agent", userAgent] as [string, string]] : [])] });
  const signedResponse = async (username = "alice") => {
    const r = await chap(`request:${createRequest(username)}`);
    const challenge = (r.headers["x-chap"] ?? "").slice("challenge:".length);
    return (await createResponse(challenge, signer, { expectedServerName: "127.0.0.1" })).text;
  };
  const token = async (username = "alice", userAgent?: string) => {
    const r = await chap(`response:${await signedResponse(username)}`, "GET", userAgent);
    const value = r.headers["x-chap"] ?? "";
    if (!value.startsWith("token:")) throw new Error(`handshake failed: ${r.status} ${r.headers["x-sshkey-error"]}`);
    return value.slice("token:".length);
  };
  return { t, signer, chap, signedResponse, token };
}

/**
 * After the hostile inputs: an honest handshake signs alice in and its event reaches the log (a
 * crtauth sign-in is logged once, at the response step), and its token is accepted.
 */
export async function expectHonestSignInLogged(c: CrtauthServer, marker: string): Promise<void> {
  const token = await c.token("alice", marker);
  expect((await rawRequest(c.t.url, { path: "/whoami", headers: [["Authorization", `chap:${token}`]] })).status).toBe(200);
  await expectEventLogged(c.t, marker);
}

/** msgpack pieces, written by hand so lengths and types can lie. */
export const mp = {
  fixint: (n: number) => Buffer.from([n]),
  uint32: (n: number) => {
    const b = Buffer.alloc(5);
    b[0] = 0xce;
    b.writeUInt32BE(n >>> 0, 1);
    return b;
  },
  uint64: (n: bigint) => {
    const b = Buffer.alloc(9);
    b[0] = 0xcf;
    b.writeBigUInt64BE(n, 1);
    return b;
  },
  int8: (n: number) => Buffer.from([0xd0, n & 0xff]),
  str: (s: string | Buffer) => {
    const bytes = Buffer.isBuffer(s) ? s : Buffer.from(s);
    if (bytes.length < 32) return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
    if (bytes.length < 256) return Buffer.concat([Buffer.from([0xd9, bytes.length]), bytes]);
    const h = Buffer.alloc(3);
    h[0] = 0xda;
    h.writeUInt16BE(bytes.length, 1);
    return Buffer.concat([h, bytes]);
  },
  bin: (bytes: Buffer) => {
    if (bytes.length < 256) return Buffer.concat([Buffer.from([0xc4, bytes.length]), bytes]);
    const h = Buffer.alloc(3);
    h[0] = 0xc5;
    h.writeUInt16BE(bytes.length, 1);
    return Buffer.concat([h, bytes]);
  },
  /** A length header claiming `length` bytes of type `tag` (0xc6 bin32, 0xdb str32, 0xdd array32, 0xdf map32). */
  claims: (tag: number, length: number) => {
    const b = Buffer.alloc(5);
    b[0] = tag;
    b.writeUInt32BE(length >>> 0, 1);
    return b;
  },
};

/** Offsets where each msgpack value of a flat message starts (what crtauth messages are). */
export function msgpackStarts(bytes: Buffer): number[] {
  const starts: number[] = [];
  let at = 0;
  while (at < bytes.length) {
    starts.push(at);
    const tag = bytes[at]!;
    if (tag < 0x80) at += 1;
    else if (tag >= 0xa0 && tag <= 0xbf) at += 1 + (tag & 0x1f);
    else if (tag === 0xc4 || tag === 0xd9) at += 2 + bytes[at + 1]!;
    else if (tag === 0xc5 || tag === 0xda) at += 3 + bytes.readUInt16BE(at + 1);
    else if (tag === 0xce) at += 5;
    else if (tag === 0xcf) at += 9;
    else if (tag === 0xcd) at += 3;
    else if (tag === 0xcc) at += 2;
    else break;
  }
  return starts;
}
