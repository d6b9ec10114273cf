// Mints a crtauth v1 token (what the /_auth handshake hands out) without a handshake:
// `01 74 uint(valid_from) uint(valid_to) str(username) bin(HMAC-SHA256)`, a flat msgpack
// sequence, unpadded base64url. The public API exports neither the token minter nor the
// /_auth router, so the bench writes the ~20 bytes itself and checks the server accepts it.
import crypto from "node:crypto";

function uint32(value: number): Buffer {
  const b = Buffer.alloc(5);
  b[0] = 0xce;
  b.writeUInt32BE(value, 1);
  return b;
}

function str(value: string): Buffer {
  const bytes = Buffer.from(value, "utf8");
  if (bytes.length < 32) return Buffer.concat([Buffer.from([0xa0 | bytes.length]), bytes]);
  return Buffer.concat([Buffer.from([0xd9, bytes.length]), bytes]);
}

function bin(value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([0xc4, value.length]), value]);
}

export interface CrtauthToken {
  /** The value for `Authorization: chap:<text>`. */
  text: string;
  /** The bytes the HMAC covers and the HMAC, for the raw baseline. */
  body: Buffer;
  mac: Buffer;
}

export function mintCrtauthToken(username: string, secret: string, nowMs = Date.now(), lifetimeSeconds = 598): CrtauthToken {
  const now = Math.floor(nowMs / 1000);
  const body = Buffer.concat([Buffer.from([0x01, 0x74]), uint32(now - 2), uint32(now + lifetimeSeconds), str(username)]);
  const mac = crypto.createHmac("sha256", secret).update(body).digest();
  return { text: Buffer.concat([body, bin(mac)]).toString("base64url"), body, mac };
}
