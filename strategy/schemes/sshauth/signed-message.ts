import { hash } from "node:crypto";
import { PostcardWriter } from "./postcard.js";
import { writeTokenV1, type TokenV1Fields } from "./token-codec.js";

/**
 * What an sshauth signature covers (upstream TokenSigningBlobV1::pack), always 52 bytes:
 *
 *   blob   = postcard(TokenV1) || varint(n) || n × (varint(len) key || varint(len) value)
 *   digest = SHA-256( "oxauth" || magic8 || blob || "htuaxo" )
 *   signed = "oxauth" || magic8 || digest || "htuaxo"        (6 + 8 + 32 + 6 bytes)
 *
 * TokenV1 is re-encoded canonically from the decoded fields, never sliced from the
 * wire (so a non-minimal varint on the wire cannot change what is verified — upstream
 * does the same). The action list is never transmitted: signer and verifier must
 * build the same pairs in the same order (see binding.ts). Committed layout.
 */

/** One action: an ordered (key, value) pair of UTF-8 strings; duplicates allowed. */
export type SshauthAction = readonly [key: string, value: string];

export const DEFAULT_MAGIC = "byo.e.m.";
const SUPER_PREFIX = Buffer.from("oxauth", "latin1");
const SUPER_SUFFIX = Buffer.from("htuaxo", "latin1");

/**
 * The 8-byte per-application prefix. A string is taken as UTF-8 and must encode to
 * exactly 8 bytes; misuse is a programming error (TypeError), not an auth failure.
 */
export function normalizeMagic(magic: string | Uint8Array = DEFAULT_MAGIC): Buffer {
  const bytes = typeof magic === "string" ? Buffer.from(magic, "utf8") : Buffer.from(magic);
  if (bytes.length !== 8) throw new TypeError(`sshauth magic prefix must be exactly 8 bytes, got ${bytes.length}`);
  return bytes;
}

/** postcard(TokenSigningBlobV1): the TokenV1 bytes followed by the action list. */
export function signingBlob(fields: TokenV1Fields, actions: readonly SshauthAction[] = []): Buffer {
  return writeSigningBlob(new PostcardWriter(), fields, actions).toBuffer();
}

function writeSigningBlob(w: PostcardWriter, fields: TokenV1Fields, actions: readonly SshauthAction[]): PostcardWriter {
  writeTokenV1(w, fields).varint(actions.length);
  for (const action of actions) {
    if (!Array.isArray(action) || typeof action[0] !== "string" || typeof action[1] !== "string") {
      throw new TypeError("sshauth actions must be [key, value] string pairs");
    }
    w.string(action[0]).string(action[1]);
  }
  return w;
}

/** The 52 bytes that are actually signed (what an ssh-agent sign request would carry). */
export function signedMessage(fields: TokenV1Fields, actions: readonly SshauthAction[] = [], magic: string | Uint8Array = DEFAULT_MAGIC): Buffer {
  return signedMessageWith(fields, actions, normalizeMagic(magic));
}

/**
 * signedMessage with a magic that normalizeMagic already checked, for the verifier, which
 * checks it once per token rather than twice. The digest's input written in one buffer and
 * hashed one-shot: a Hash object fed four times costs as much again as the digest itself.
 */
export function signedMessageWith(fields: TokenV1Fields, actions: readonly SshauthAction[], magic8: Buffer): Buffer {
  const digested = writeSigningBlob(new PostcardWriter().fixed(SUPER_PREFIX).fixed(magic8), fields, actions).fixed(SUPER_SUFFIX);
  const digest = hash("sha256", digested.toBuffer(), "buffer");
  return Buffer.concat([SUPER_PREFIX, magic8, digest, SUPER_SUFFIX], 52);
}
