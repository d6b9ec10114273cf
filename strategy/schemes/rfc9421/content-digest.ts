import { createHash } from "node:crypto";
import { parseDictionary, serializeDictionary, type Item } from "structured-headers";

/** RFC 9530 digest algorithms this implementation computes, by their field key. */
const digestAlgorithms = { "sha-256": "sha256", "sha-512": "sha512" } as const;

export type ContentDigestAlg = keyof typeof digestAlgorithms;

/** The Content-Digest field for `body` (RFC 9530 §2): `sha-256=:base64:`. */
export function contentDigest(body: Uint8Array | string, alg: ContentDigestAlg = "sha-256"): string {
  const digest = createHash(digestAlgorithms[alg]).update(body).digest();
  return serializeDictionary(new Map([[alg, [digest, new Map()] as Item]]));
}

/** How a Content-Digest field compares with a body: every supported digest it carries must match, and it must carry one. */
export type ContentDigestCheck = "match" | "mismatch" | "unsupported" | "malformed";

export function checkContentDigest(field: string, body: Uint8Array | string): ContentDigestCheck {
  let members;
  try {
    members = parseDictionary(field);
  } catch {
    return "malformed";
  }
  let checked = 0;
  for (const [alg, member] of members) {
    const value = (member as Item)[0];
    if (Array.isArray(value) || !(value instanceof ArrayBuffer)) return "malformed";
    if (!Object.hasOwn(digestAlgorithms, alg)) continue;
    const expected = createHash(digestAlgorithms[alg as ContentDigestAlg])
      .update(body)
      .digest();
    if (!expected.equals(Buffer.from(value))) return "mismatch";
    checked++;
  }
  return checked === 0 ? "unsupported" : "match";
}
