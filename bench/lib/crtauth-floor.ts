// The least a crtauth v1 bearer token check can do (see crtauth-token.ts for the layout): decode,
// HMAC-SHA256 over the body, constant-time compare, validity window. No secret rotation, no
// legacy format, no username rules — the floor rows bound the product's crtauth routes with it.
import crypto from "node:crypto";
import { mintCrtauthToken } from "./crtauth-token.js";

const MAC_TAIL = 2 + 32; // bin8 header (c4 20) and the MAC

/** The username of a good `chap:<token>` Authorization value, or null. */
export function crtauthFloorCheck(authorization: string | undefined, secret: Buffer, nowMs: number): string | null {
  if (authorization === undefined || !authorization.startsWith("chap:")) return null;
  const bytes = Buffer.from(authorization.slice(5), "base64url");
  const end = bytes.length - MAC_TAIL;
  // 01 74 ce uint32 ce uint32 fixstr(username) c4 20 mac
  if (end < 13 || bytes[0] !== 0x01 || bytes[1] !== 0x74 || bytes[2] !== 0xce || bytes[7] !== 0xce || bytes[end] !== 0xc4 || bytes[end + 1] !== 32) return null;
  const body = bytes.subarray(0, end);
  const mac = crypto.createHmac("sha256", secret).update(body).digest();
  if (!crypto.timingSafeEqual(mac, bytes.subarray(end + 2))) return null;
  const now = nowMs / 1000;
  if (bytes.readUInt32BE(3) > now || bytes.readUInt32BE(8) < now) return null;
  const length = bytes[12]! & 0x1f;
  if ((bytes[12]! & 0xe0) !== 0xa0 || 13 + length !== end) return null;
  return body.toString("utf8", 13, end);
}

/** Fails loudly unless the check accepts a good token and refuses one with a flipped MAC byte. */
export function assertCrtauthFloorRefusesTampering(secret: string): void {
  const good = mintCrtauthToken("alice", secret).text;
  const bytes = Buffer.from(good, "base64url");
  bytes[bytes.length - 1]! ^= 1;
  const key = Buffer.from(secret, "utf8");
  if (crtauthFloorCheck(`chap:${good}`, key, Date.now()) === null) throw new Error("crtauth floor refused a good token");
  if (crtauthFloorCheck(`chap:${bytes.toString("base64url")}`, key, Date.now()) !== null) throw new Error("crtauth floor accepted a tampered MAC");
}
