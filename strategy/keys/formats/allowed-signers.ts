/**
 * ssh-keygen(1) ALLOWED SIGNERS files, read as `sshsig.c` reads them: per line
 * `principals [options] key [comment]`, principals comma-separated (the whole field may be in
 * double quotes), options `cert-authority`, `namespaces="…"`, `valid-after="…"`,
 * `valid-before="…"`; `#` comments and blank lines. Total: hostile text gives per-line problems,
 * never an exception.
 */
import { KeyFormatError, type KeyProblemCode } from "../errors.js";
import { parsePublicKey } from "../parse.js";
import { keyLimits, type KeyPolicyOptions } from "../policy.js";
import type { ParsedPublicKey } from "../types.js";
import { startsWithKeyType } from "./openssh-line.js";

export interface AllowedSigner {
  /** 1-based line number in the file. */
  line: number;
  /** As written: literal names or OpenSSH patterns (`*@example.com`, `!bob`). */
  principals: string[];
  certAuthority: boolean;
  /** The `namespaces=` pattern list, or null when the line allows every namespace. */
  namespaces: string | null;
  validAfter: Date | null;
  validBefore: Date | null;
  key: { ok: true; key: ParsedPublicKey } | { ok: false; problem: { code: KeyProblemCode; message: string } };
}

export type AllowedSignersEntry = ({ ok: true } & AllowedSigner) | { ok: false; line: number; message: string };

class LineError extends Error {}

type Options = Pick<AllowedSigner, "certAuthority" | "namespaces" | "validAfter" | "validBefore">;

/** The first field, as strdelimw splits it: up to whitespace, or a double-quoted run. */
function principalsField(text: string): { field: string; rest: string } {
  if (text.startsWith('"')) {
    const close = text.indexOf('"', 1);
    if (close < 0) throw new LineError("the quoted principals have no closing quote");
    const after = text.slice(close + 1);
    if (after !== "" && !/^[ \t]/.test(after)) throw new LineError("the quoted principals must be followed by a space");
    return { field: text.slice(1, close), rest: after.trimStart() };
  }
  const gap = /[ \t]/.exec(text);
  return gap ? { field: text.slice(0, gap.index), rest: text.slice(gap.index).trimStart() } : { field: text, rest: "" };
}

/** `"value"` at `at`, with `\"` for a quote, as opt_dequote reads it; answers the value and where it ends. */
function quoted(text: string, at: number, option: string): { value: string; end: number } {
  if (text[at] !== '"') throw new LineError(`the ${option} value must be in double quotes`);
  let value = "";
  let i = at + 1;
  while (i < text.length && text[i] !== '"') {
    if (text[i] === "\\" && text[i + 1] === '"') i++;
    value += text[i++];
  }
  if (i >= text.length) throw new LineError(`the ${option} value has no closing quote`);
  return { value, end: i + 1 };
}

/** `YYYYMMDD[HHMM[SS]]`, UTC with a `Z` or `UTC` suffix, else local time (parse_absolute_time in misc.c). */
function parseTime(value: string, option: string): Date {
  const match = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(z|utc)?$/i.exec(value);
  if (match) {
    const [y, mo, d, h = 0, mi = 0, s = 0] = match.slice(1, 7).map((part) => (part === undefined ? undefined : Number(part)));
    const fields = [y!, mo! - 1, d!, h, mi, s] as const;
    const date = match[7] ? new Date(Date.UTC(...fields)) : new Date(...fields);
    const back = match[7]
      ? [date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
      : [date.getFullYear(), date.getMonth(), date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
    if (back.every((part, i) => part === fields[i]) && date.getTime() > 0) return date;
  }
  throw new LineError(`${option}="${value.slice(0, 20)}" is not a time as YYYYMMDD[HHMM[SS]][Z]`);
}

/** The options before the key (sshsigopt_parse); answers them and the text after them. */
function parseOptions(text: string): { options: Options; rest: string } {
  const options: Options = { certAuthority: false, namespaces: null, validAfter: null, validBefore: null };
  const seen = new Set<string>();
  let i = 0;
  for (;;) {
    const name = /^[A-Za-z0-9_-]{1,32}/.exec(text.slice(i, i + 33))?.[0];
    if (!name) throw new LineError(i === 0 ? "the principals are not followed by a key or valid options" : "an option is missing after a comma");
    const lower = name.toLowerCase();
    i += name.length;
    if (lower === "cert-authority" && text[i] !== "=") {
      options.certAuthority = true;
    } else if ((lower === "namespaces" || lower === "valid-after" || lower === "valid-before") && text[i] === "=") {
      if (seen.has(lower)) throw new LineError(`the line has ${lower} twice`);
      seen.add(lower);
      const { value, end } = quoted(text, i + 1, lower);
      i = end;
      if (lower === "namespaces") options.namespaces = value;
      else options[lower === "valid-after" ? "validAfter" : "validBefore"] = parseTime(value, lower);
    } else {
      throw new LineError(`"${name}" is neither a key type nor an allowed_signers option`);
    }
    if (i >= text.length || text[i] === " " || text[i] === "\t") break;
    if (text[i] !== ",") throw new LineError(`the options are malformed after ${name}`);
    if (++i >= text.length) throw new LineError("the options end with a comma");
  }
  if (options.validAfter && options.validBefore && options.validBefore <= options.validAfter) {
    throw new LineError("valid-before is not later than valid-after");
  }
  return { options, rest: text.slice(i).trimStart() };
}

function parseKey(text: string, policy: KeyPolicyOptions): AllowedSigner["key"] {
  try {
    return { ok: true, key: parsePublicKey(text, policy) };
  } catch (error) {
    if (error instanceof KeyFormatError) return { ok: false, problem: { code: error.code, message: error.message } };
    throw error;
  }
}

function parseLine(text: string, line: number, policy: KeyPolicyOptions): AllowedSignersEntry {
  try {
    if (Buffer.byteLength(text, "utf8") > keyLimits.maxKeyBytes) throw new LineError(`the line is longer than ${keyLimits.maxKeyBytes / 1024} KiB`);
    const { field, rest } = principalsField(text);
    if (rest === "") throw new LineError("the line has principals but no key");
    const principals = field.split(",").filter((p) => p !== "");
    if (principals.length === 0) throw new LineError("the line names no principal");
    const { options, rest: keyText } = startsWithKeyType(rest)
      ? { options: { certAuthority: false, namespaces: null, validAfter: null, validBefore: null }, rest }
      : parseOptions(rest);
    if (keyText === "") throw new LineError("the options are not followed by a key");
    if (!startsWithKeyType(keyText)) throw new LineError("the options are not followed by a key such as ssh-ed25519 AAAA…");
    return { ok: true, line, principals, ...options, key: parseKey(keyText, policy) };
  } catch (error) {
    if (error instanceof LineError) return { ok: false, line, message: error.message };
    throw error;
  }
}

/**
 * Every signer line of an allowed_signers file, good or bad, in file order; blank and `#`
 * lines are left out. Keys are read by the project's key parser under `policy`.
 *
 * @example
 * for (const entry of parseAllowedSigners(fs.readFileSync(".git/allowed_signers", "utf8"))) {
 *   if (!entry.ok) console.log(`line ${entry.line}: ${entry.message}`);
 * }
 */
export function parseAllowedSigners(text: string, policy: KeyPolicyOptions = {}): AllowedSignersEntry[] {
  const entries: AllowedSignersEntry[] = [];
  const lines = text.replace(/^\uFEFF/, "").split("\n");
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.replace(/^[ \t]+/, "").replace(/[ \t\r]+$/, "");
    if (line === "" || line.startsWith("#")) continue;
    entries.push(parseLine(line, i + 1, policy));
  }
  return entries;
}
