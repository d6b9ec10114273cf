import { assemble } from "./assemble.js";
import { KeyFormatError } from "./errors.js";
import { sniffFormat } from "./formats/auto.js";
import { looksLikePrivateKey, privateKeyError } from "./formats/private-key.js";
import { requireString } from "./held-key.js";
import { materialFromBlob, materialFromKeyObject } from "./material.js";
import { keyLimits, type KeyPolicyOptions } from "./policy.js";
import { splitBlocks, type TextBlock } from "./split.js";
import { checkNoControlCharacter, checkSize } from "./text-checks.js";
import type { KeyProblemCode } from "./errors.js";
import type { KeyPasteEntry, ParsedPublicKey } from "./types.js";

function parseBlock(text: string, policy: KeyPolicyOptions): ParsedPublicKey {
  if (looksLikePrivateKey(text)) throw privateKeyError();
  checkSize(text, keyLimits.maxKeyBytes, "The key");
  checkNoControlCharacter(text);
  const format = sniffFormat(text);
  try {
    const decoded = format.parse(text);
    const material = "blob" in decoded ? materialFromBlob(decoded.blob, policy) : materialFromKeyObject(decoded.keyObject, policy);
    return assemble(material, decoded.comment, "blob" in decoded ? decoded.options : undefined);
  } catch (error) {
    if (error instanceof KeyFormatError && error.format === undefined) throw error.withFormat(format.name);
    throw error;
  }
}

/**
 * Parses exactly one public key in any accepted format: an OpenSSH `.pub` line,
 * an authorized_keys line (options are dropped), PEM `PUBLIC KEY` / `RSA PUBLIC KEY`,
 * or an RFC 4716 `SSH2 PUBLIC KEY` block. Blank lines and `#` comments around it are ignored.
 *
 * `policy` tunes what is accepted (the RSA ceiling; see KeyPolicyOptions).
 *
 * @throws {KeyFormatError} for anything that is not one acceptable key.
 * @example
 * const key = parsePublicKey(fs.readFileSync("id_ed25519.pub", "utf8"));
 * key.fingerprintSha256; // "SHA256:…", as ssh-keygen -lf prints it
 */
export function parsePublicKey(text: string, policy: KeyPolicyOptions = {}): ParsedPublicKey {
  requireString(text, "text");
  checkSize(text, keyLimits.maxKeyBytes, "The key");
  if (looksLikePrivateKey(text)) throw privateKeyError();
  const blocks = splitBlocks(text);
  const [only] = blocks;
  if (only === undefined) throw new KeyFormatError("empty", "No key was given.");
  if (blocks.length > 1) {
    throw new KeyFormatError("malformed_key", `Expected one key but found ${blocks.length} entries; add them one at a time.`);
  }
  return parseBlock(only.text, policy);
}

/**
 * Why stored key text would be refused today, or null when it is acceptable: rows saved
 * before a check existed (a small-order Ed25519 point) are refused on the authentication
 * path, and the console shows this so an administrator can remove them.
 */
export function storedKeyProblem(text: string, policy: KeyPolicyOptions = {}): { code: KeyProblemCode; message: string } | null {
  try {
    parsePublicKey(text, policy);
    return null;
  } catch (error) {
    if (error instanceof KeyFormatError) return { code: error.code, message: error.message };
    throw error;
  }
}

/**
 * Parses a paste that may hold several keys (an authorized_keys file, a mix of
 * formats). Never throws for string input: every key, good or bad, becomes an
 * entry with the line it starts on. A paste with no keys gives [].
 *
 * @example
 * for (const entry of parseKeyPaste(body.keys)) {
 *   if (!entry.ok) report(entry.source.line, entry.problem.message);
 * }
 */
export function parseKeyPaste(text: string, policy: KeyPolicyOptions = {}): KeyPasteEntry[] {
  requireString(text, "text");
  try {
    checkSize(text, keyLimits.maxPasteBytes, "The pasted text");
  } catch (error) {
    return [toEntry(error, 1)];
  }
  const blocks = splitBlocks(text);
  const entries = blocks.map((block): KeyPasteEntry => {
    try {
      return { ok: true, key: parseBlock(block.text, policy), source: { line: block.line } };
    } catch (error) {
      return toEntry(error, block.line);
    }
  });
  return joinSplitLines(blocks, entries, policy);
}

/**
 * A key line wrapped by a terminal, chat or mail client reads as two broken lines; when the two
 * make a key once joined, they are one problem that says so, not two unrelated ones.
 */
function joinSplitLines(blocks: TextBlock[], entries: KeyPasteEntry[], policy: KeyPolicyOptions): KeyPasteEntry[] {
  const out: KeyPasteEntry[] = [];
  for (let i = 0; i < entries.length; i++) {
    const [first, second] = [entries[i]!, entries[i + 1]];
    const [a, b] = [blocks[i]!, blocks[i + 1]];
    if (!first.ok && second && !second.ok && b && b.line === a.line + 1 && first.problem.code !== "private_key" && joinsIntoKey(a.text, b.text, policy)) {
      const message = `This key seems split over two lines (${a.line} and ${b.line}): join them into one line.`;
      out.push({ ok: false, problem: { code: "split_line", message }, source: { line: a.line } });
      i++;
      continue;
    }
    out.push(first);
  }
  return out;
}

function joinsIntoKey(first: string, second: string, policy: KeyPolicyOptions): boolean {
  try {
    parseBlock(first + second, policy);
    return true;
  } catch {
    return false;
  }
}

function toEntry(error: unknown, line: number): KeyPasteEntry {
  if (!(error instanceof KeyFormatError)) throw error;
  return { ok: false, problem: { code: error.code, message: error.message }, source: { line } };
}

export { parsePublicKeyBlob, publicKeyFromKeyObject } from "./held-key.js";
