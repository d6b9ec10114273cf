import { fromListProblem } from "../address-match.js";
import { KeyFormatError } from "../errors.js";

/*
 * authorized_keys options (sshd(8) AUTHORIZED_KEYS FILE FORMAT), read as sshd's auth-options.c
 * reads them: comma-separated, names case-insensitive, values in double quotes where `\"` is a
 * quote and any other backslash itself. Stricter than sshd where sshd would accept what makes no
 * sense here or could break the lines the directory serves: no control characters (a newline
 * would add a line to sshd's authorized_keys answer), no empty values, a size cap.
 */

/** Longest options text accepted: far above any real use, short enough to show and serve. */
export const maxOptionsLength = 4096;

const flagNames: ReadonlySet<string> = new Set([
  "agent-forwarding",
  "no-agent-forwarding",
  "port-forwarding",
  "no-port-forwarding",
  "pty",
  "no-pty",
  "user-rc",
  "no-user-rc",
  "x11-forwarding",
  "no-x11-forwarding",
  "restrict",
  "no-touch-required",
  "verify-required",
]);

const valueNames: ReadonlySet<string> = new Set(["command", "environment", "expiry-time", "from", "permitlisten", "permitopen", "tunnel"]);

/** Value options sshd takes once ("multiple … clauses"); the others may repeat. */
const singleValued: ReadonlySet<string> = new Set(["command", "from", "tunnel"]);

/** What the security-key flags and `expiry-time` already mean to this server; kept in their own columns, not in the options text. */
const ownColumns: ReadonlySet<string> = new Set(["no-touch-required", "verify-required", "expiry-time"]);

/** One option as read: its lower-case name and, for `name="value"`, the unquoted value. */
export interface KeyOption {
  name: string;
  value: string | null;
}

/** The options of one key line, sorted by what keeps them. */
export interface KeyLineOptions {
  /** Security keys: signatures need not carry the touch flag. */
  noTouchRequired: boolean;
  /** Security keys: signatures must carry the PIN flag. */
  verifyRequired: boolean;
  /** The earliest `expiry-time`, as the key's expiry. */
  expiresAt: Date | null;
  /** Every other option, canonical (see formatOptions); null when there is none. */
  sshOptions: string | null;
}

// Control characters anywhere, and the Unicode line and paragraph separators some viewers break on.
const controlCharacter = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

function refused(message: string): KeyFormatError {
  return new KeyFormatError("malformed_key", message);
}

/** The name as a message may quote it: only a plain option-like word, never arbitrary input. */
function named(name: string): string {
  return /^[a-z0-9_-]{1,40}$/.test(name) ? `"${name}"` : "an unrecognised option";
}

/**
 * Reads the options at the start of `text` up to the first space or tab outside quotes.
 * Answers the options and where they end. Throws KeyFormatError naming what is wrong.
 */
export function readOptions(text: string): { options: KeyOption[]; length: number } {
  const options: KeyOption[] = [];
  let i = 0;
  for (;;) {
    if (i > maxOptionsLength) throw new KeyFormatError("too_large", `The authorized_keys options are longer than ${maxOptionsLength / 1024} KiB.`);
    const name = /^[A-Za-z0-9_-]+/.exec(text.slice(i, i + 64))?.[0];
    if (!name) throw refused(i === 0 ? "The line does not start with a key type or valid authorized_keys options." : "An authorized_keys option has no name.");
    i += name.length;
    let value: string | null = null;
    if (text[i] === "=") {
      if (text[i + 1] !== '"') throw refused(`The value of the authorized_keys option ${named(name.toLowerCase())} must be in double quotes.`);
      i += 2;
      let unquoted = "";
      while (i < text.length && text[i] !== '"') {
        if (text[i] === "\\" && text[i + 1] === '"') i++;
        unquoted += text[i++];
        if (unquoted.length > maxOptionsLength)
          throw new KeyFormatError("too_large", `The authorized_keys options are longer than ${maxOptionsLength / 1024} KiB.`);
      }
      if (i >= text.length) throw refused(`The value of the authorized_keys option ${named(name.toLowerCase())} has no closing quote.`);
      i++;
      value = unquoted;
    }
    options.push({ name: name.toLowerCase(), value });
    if (i > maxOptionsLength) throw new KeyFormatError("too_large", `The authorized_keys options are longer than ${maxOptionsLength / 1024} KiB.`);
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (i >= text.length || text[i] === " " || text[i] === "\t") return { options, length: i };
    throw refused("The authorized_keys options are malformed (expected a comma, a space or the end after an option).");
  }
}

const expiryTime = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?([Zz]?)$/;

/** `YYYYMMDD[HHMM[SS]][Z]`: with Z in UTC, without it in this system's time zone (as sshd on this host reads it). */
function readExpiryTime(value: string): Date | null {
  const match = expiryTime.exec(value);
  if (!match) return null;
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1, 7).map((part) => (part === undefined ? 0 : Number(part)));
  const utc = match[7] !== "";
  const date = utc ? new Date(Date.UTC(year!, month! - 1, day!, hour, minute, second)) : new Date(year!, month! - 1, day!, hour, minute, second);
  const back = utc
    ? [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), date.getUTCHours(), date.getUTCMinutes(), date.getUTCSeconds()]
    : [date.getFullYear(), date.getMonth() + 1, date.getDate(), date.getHours(), date.getMinutes(), date.getSeconds()];
  // 20250230 would roll over into March; sshd's strptime refuses it.
  return back.join() === [year, month, day, hour, minute, second].join() ? date : null;
}

const port = (text: string, allowZero: boolean): boolean =>
  text === "*" || (/^\d{1,5}$/.test(text) && Number(text) <= 65535 && (allowZero || Number(text) > 0));

/** `host:port` (permitopen) or `[host:]port` (permitlisten); an IPv6 host in brackets. */
function permitProblem(name: string, value: string): string | null {
  const bracketed = /^\[([0-9A-Fa-f:.]+)\]:([^:]+)$/.exec(value);
  const plain = /^([A-Za-z0-9._*-]+):([^:]+)$/.exec(value);
  const hostAndPort = bracketed ?? plain;
  if (hostAndPort) return port(hostAndPort[2]!, false) ? null : `${name}= has an invalid port (a number from 1 to 65535, or *)`;
  if (name === "permitlisten" && port(value, false)) return null;
  return name === "permitopen" ? "permitopen= must be host:port" : "permitlisten= must be [host:]port";
}

/** Why sshd would refuse (or this server does) this option, or null. */
function optionProblem(option: KeyOption): string | null {
  const { name, value } = option;
  if (name === "cert-authority") return "This line marks a certificate authority (cert-authority), not a login key; add a CA with `ca add`.";
  if (name === "principals") return "principals= applies only to a cert-authority line; add a CA with `ca add`.";
  if (flagNames.has(name)) return value === null ? null : `The authorized_keys option ${named(name)} takes no value.`;
  if (!valueNames.has(name)) return `Unknown authorized_keys option ${named(name)}.`;
  if (value === null) return `The authorized_keys option ${named(name)} needs a value (${name}="…").`;
  if (value === "") return `The authorized_keys option ${named(name)} has an empty value.`;
  if (controlCharacter.test(value)) return `The value of the authorized_keys option ${named(name)} contains a control character or line break.`;
  if (name === "from") return fromListProblem(value);
  if (name === "environment" && !/^[A-Za-z0-9_]+=/.test(value)) return 'environment= must be NAME=value, the name of letters, digits and "_".';
  if (name === "expiry-time" && readExpiryTime(value) === null) return "expiry-time= must be a date as YYYYMMDD[HHMM[SS]][Z].";
  if (name === "tunnel" && !/^(?:any|\d{1,10})$/i.test(value)) return 'tunnel= must be a tunnel device number or "any".';
  if (name === "tunnel" && /^\d+$/.test(value) && Number(value) > 0x7ffffffd) return "tunnel= is out of range.";
  if (name === "permitopen" || name === "permitlisten") return permitProblem(name, value);
  return null;
}

/** One option as sshd reads it back: `name` or `name="value"` with each `"` escaped. */
function formatOption(option: KeyOption): string {
  return option.value === null ? option.name : `${option.name}="${option.value.replace(/"/g, '\\"')}"`;
}

/** Options text in canonical form: lower-case names in the order given, repeated flags once. */
function formatOptions(options: readonly KeyOption[]): string | null {
  const texts = [...new Set(options.map(formatOption))];
  return texts.length ? texts.join(",") : null;
}

/**
 * Checks the options of one line and sorts them by what keeps them (see KeyLineOptions).
 * Throws KeyFormatError naming the first option sshd or this server would refuse.
 */
export function checkOptions(options: readonly KeyOption[]): KeyLineOptions {
  const seen = new Set<string>();
  let expiresAt: Date | null = null;
  for (const option of options) {
    const problem = optionProblem(option);
    if (problem !== null) throw new KeyFormatError(option.name === "cert-authority" ? "unsupported_type" : "malformed_key", problem);
    if (singleValued.has(option.name) && seen.has(option.name)) throw refused(`The authorized_keys option ${named(option.name)} is given twice.`);
    seen.add(option.name);
    if (option.name === "expiry-time") {
      const at = readExpiryTime(option.value!)!;
      if (expiresAt === null || at < expiresAt) expiresAt = at;
    }
  }
  return {
    noTouchRequired: seen.has("no-touch-required"),
    verifyRequired: seen.has("verify-required"),
    expiresAt,
    sshOptions: formatOptions(options.filter((option) => !ownColumns.has(option.name))),
  };
}

/**
 * Reads an options text on its own (an administrator replacing a key's options): the same
 * grammar and checks as on a key line, the whole text options. "" is no options.
 */
export function parseOptionsText(text: string): KeyLineOptions {
  if (text.length > maxOptionsLength) throw new KeyFormatError("too_large", `The authorized_keys options are longer than ${maxOptionsLength / 1024} KiB.`);
  if (controlCharacter.test(text)) throw refused("The authorized_keys options contain a control character or line break.");
  if (text.trim() === "") return { noTouchRequired: false, verifyRequired: false, expiresAt: null, sshOptions: null };
  const { options, length } = readOptions(text.trim());
  if (length !== text.trim().length) throw refused("The authorized_keys options hold a space outside quotes; give only the options, without the key.");
  return checkOptions(options);
}

/** The `from=` patterns of stored options text, or null when it has none. */
export function fromOption(sshOptions: string | null | undefined): string | null {
  if (!sshOptions) return null;
  try {
    return readOptions(sshOptions).options.find((option) => option.name === "from")?.value ?? null;
  } catch {
    // Stored text this server wrote is canonical: a row it cannot read is refused (an empty list matches no one), never let through.
    return "";
  }
}
