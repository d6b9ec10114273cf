/** A candidate key in a paste: trimmed lines joined with "\n", and its first line (1-based). */
export interface TextBlock {
  text: string;
  line: number;
}

const armorBegin = /^-{3,5} ?BEGIN /;
const armorEnd = /^-{3,5} ?END /;
const oneLineArmor = /-{3,5} ?END [A-Z0-9 ]+?-{3,5}$/;
/** base64 of "openssh-key-v1\0": a private key body pasted without its armor. */
const opensshPrivateBody = "b3BlbnNzaC1rZXktdjE";

/**
 * Where each block ends, given its first line. Multi-line blocks (PEM, RFC 4716,
 * PuTTY files, bare private key bodies) are kept whole so their inner lines are
 * never read as keys, and so a private key is reported once, not line by line.
 */
function blockEnd(lines: readonly string[], start: number): number {
  const first = lines[start] ?? "";
  let isLast: ((line: string) => boolean) | undefined;
  if (armorBegin.test(first) && !oneLineArmor.test(first)) isLast = (line) => armorEnd.test(line);
  else if (first.startsWith("PuTTY-User-Key-File-")) isLast = (line) => line.startsWith("Private-MAC:");
  if (isLast) {
    // An unterminated block runs to the end: better to swallow text than to read
    // the rest of a private key as separate "keys".
    let end = start + 1;
    while (end < lines.length && !isLast(lines[end] ?? "")) end++;
    return Math.min(end, lines.length - 1);
  }
  let end = start;
  if (first.startsWith(opensshPrivateBody)) {
    while (end + 1 < lines.length && /^[A-Za-z0-9+/=]+$/.test(lines[end + 1] ?? "")) end++;
  }
  return end;
}

/** Splits a paste into blocks, skipping blank lines and `#` comments. Accepts LF, CRLF and CR. */
export function splitBlocks(text: string): TextBlock[] {
  const lines = text
    .replace(/^\uFEFF/, "")
    .split(/\r\n|\r|\n/)
    .map((line) => line.trim());
  const blocks: TextBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] ?? "";
    if (line === "" || line.startsWith("#")) continue;
    const end = blockEnd(lines, i);
    blocks.push({ text: lines.slice(i, end + 1).join("\n"), line: i + 1 });
    i = end;
  }
  return blocks;
}
