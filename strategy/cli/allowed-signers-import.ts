// What `keys import-allowed-signers` does with a parsed file: one outcome per principal (or per
// line, when the whole line is set aside), written through the KeyDirectory port like `keys add`.
import type { AllowedSigner, AllowedSignersEntry } from "../keys/formats/allowed-signers.js";
import { isPattern, patternListMatches } from "../keys/formats/ssh-pattern.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { usernameProblem } from "../store/directory/usernames.js";
import { DirectoryError, type KeyDirectory } from "../store/index.js";

export type PrincipalMap = "as-is" | "local-part";

export interface ImportSettings {
  createUsers: boolean;
  dryRun: boolean;
  comment: string | undefined;
  principalMap: PrincipalMap;
  /** The server's SSHSIG namespace, which a `namespaces=` option must admit. */
  namespace: string;
  ignoreNamespaces: boolean;
  now: Date;
}

type Outcome = "imported" | "present" | "skipped" | "refused" | "broken";

export interface ImportReport {
  notes: string[];
  counts: Record<Outcome, number>;
  /** Lines that are signer lines by syntax (whatever became of them). */
  signerLines: number;
}

/**
 * Untrusted text shown on a terminal, length capped: anything but letters, digits, punctuation,
 * symbols and spaces (control characters, bidi overrides, other whitespace) is shown as \u{…}.
 */
function shown(text: string): string {
  const short = text.length > 64 ? `${text.slice(0, 61)}...` : text;
  return short.replace(/[^\p{L}\p{N}\p{P}\p{S} ]/gu, (char) => `\\u{${char.codePointAt(0)!.toString(16)}}`);
}

const instant = (date: Date) => date.toISOString().replace(".000Z", "Z");

/** Why a line whose key is usable is still not imported; null when it may be. */
function lineSetAside(entry: AllowedSigner, settings: ImportSettings): string | null {
  if (entry.validAfter && entry.validAfter > settings.now) return `not valid until ${instant(entry.validAfter)} (valid-after)`;
  if (entry.validBefore && entry.validBefore <= settings.now) return `expired on ${instant(entry.validBefore)} (valid-before)`;
  if (entry.namespaces !== null && !settings.ignoreNamespaces && !patternListMatches(settings.namespace, entry.namespaces)) {
    return `namespaces="${shown(entry.namespaces)}" does not include ${settings.namespace}; --ignore-namespaces imports it anyway`;
  }
  return null;
}

function usernameFor(principal: string, map: PrincipalMap): string {
  const at = principal.lastIndexOf("@");
  return map === "local-part" && at > 0 ? principal.slice(0, at) : principal;
}

/**
 * Usernames that principals from different lines map to (alice@a.example and alice@b.example
 * under local-part): importing either would merge two people. Principals named on one line
 * are one signer, so they may share a username.
 */
function ambiguousUsernames(entries: readonly AllowedSignersEntry[], map: PrincipalMap): Map<string, string[]> {
  const groups = new Map<string, Set<string>[]>();
  for (const entry of entries) {
    if (!entry.ok) continue;
    const onLine = new Map<string, Set<string>>();
    for (const principal of entry.principals) {
      const username = usernameFor(principal, map);
      onLine.set(username, (onLine.get(username) ?? new Set()).add(principal));
    }
    for (const [username, group] of onLine) {
      const known = groups.get(username) ?? [];
      const [joined, apart] = [known.filter((g) => [...g].some((p) => group.has(p))), known.filter((g) => ![...g].some((p) => group.has(p)))];
      groups.set(username, [...apart, new Set([...group, ...joined.flatMap((g) => [...g])])]);
    }
  }
  return new Map([...groups].filter(([, sets]) => sets.length > 1).map(([username, sets]) => [username, sets.flatMap((g) => [...g])]));
}

/** Leads each note, so a long report can be scanned (or grepped) by outcome. */
const outcomeLabels: Record<Outcome, string> = { imported: "", present: "", skipped: "skipped: ", refused: "refused: ", broken: "unreadable: " };

class Importer {
  readonly report: ImportReport = { notes: [], counts: { imported: 0, present: 0, skipped: 0, refused: 0, broken: 0 }, signerLines: 0 };
  private readonly users = new Map<string, { id: string } | null>();
  /** Fingerprint → owner, from the store and from this run. */
  private readonly owners = new Map<string, string>();

  constructor(
    private readonly directory: KeyDirectory,
    private readonly settings: ImportSettings,
    private readonly ambiguous: Map<string, string[]>,
  ) {}

  async load(): Promise<void> {
    for (const user of await this.directory.listUsers()) this.users.set(user.username, user);
    for (const key of await this.directory.listKeys()) this.owners.set(key.fingerprintSha256, key.username);
  }

  note(line: number, who: string | null, outcome: Outcome, text: string): void {
    this.report.counts[outcome]++;
    this.report.notes.push(`line ${line}${who === null ? "" : ` (${shown(who)})`}: ${outcomeLabels[outcome]}${text}`);
  }

  async principal(entry: AllowedSigner, key: ParsedPublicKey, principal: string): Promise<void> {
    const say = (outcome: Outcome, text: string) => this.note(entry.line, principal, outcome, text);
    if (isPattern(principal)) return say("skipped", "a pattern, not one person: wildcard principals are not imported");
    const username = usernameFor(principal, this.settings.principalMap);
    const clash = this.ambiguous.get(username);
    if (clash) return say("skipped", `${clash.map(shown).join(" and ")} would all be user ${shown(username)}; add these keys with keys add`);
    const problem = usernameProblem(username);
    if (problem) return say("skipped", `not a valid username (${problem.message})`);
    const owner = this.owners.get(key.fingerprintSha256);
    if (owner === username) return say("present", `${key.fingerprintSha256} already present`);
    if (owner !== undefined && entry.principals.some((p) => usernameFor(p, this.settings.principalMap) === owner)) {
      return say("skipped", `${key.fingerprintSha256} belongs to ${shown(owner)}, named on the same line; a key belongs to one user`);
    }
    if (owner !== undefined) return say("refused", `${key.fingerprintSha256} belongs to user ${shown(owner)}; a key belongs to one user`);
    const verb = this.settings.dryRun ? "would import" : "imported";
    let user = this.users.get(username) ?? null;
    let created = "";
    if (!user) {
      if (!this.settings.createUsers) return say("skipped", `no user ${shown(username)} (--create-users creates missing users)`);
      created = this.settings.dryRun ? ", would create the user" : ", user created";
    }
    try {
      if (!user) {
        user = this.settings.dryRun ? { id: "" } : await this.directory.addUser(username);
        this.users.set(username, user);
      }
      if (!this.settings.dryRun) await this.directory.insertKey(user.id, key, { comment: this.settings.comment, expiresAt: entry.validBefore });
    } catch (error) {
      if (error instanceof DirectoryError) return say("refused", error.message);
      throw error;
    }
    this.owners.set(key.fingerprintSha256, username);
    const expiry = entry.validBefore ? `, expires ${instant(entry.validBefore)}` : "";
    say("imported", `${verb} ${key.fingerprintSha256} (${key.type})${expiry}${created}`);
  }

  async entry(entry: AllowedSignersEntry): Promise<void> {
    if (!entry.ok) return this.note(entry.line, null, "broken", entry.message);
    this.report.signerLines++;
    const all = entry.principals.join(",");
    // A CA key signs certificates; storing it as a login key would let its holder in as these principals.
    if (entry.certAuthority) return this.note(entry.line, all, "skipped", "cert-authority line: trusting a certificate authority is not supported yet");
    if (!entry.key.ok) return this.note(entry.line, all, "refused", entry.key.problem.message);
    const aside = lineSetAside(entry, this.settings);
    if (aside) return this.note(entry.line, all, "skipped", aside);
    for (const principal of entry.principals) await this.principal(entry, entry.key.key, principal);
  }
}

/** Imports the signers of a parsed file; with `dryRun`, reads the store only. */
export async function importAllowedSigners(directory: KeyDirectory, entries: readonly AllowedSignersEntry[], settings: ImportSettings): Promise<ImportReport> {
  const importer = new Importer(directory, settings, ambiguousUsernames(entries, settings.principalMap));
  await importer.load();
  for (const entry of entries) await importer.entry(entry);
  return importer.report;
}
