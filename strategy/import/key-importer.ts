import { parseKeyPaste, parsePublicKey } from "../keys/index.js";
import type { KeyProblemCode } from "../keys/errors.js";
import type { ParsedPublicKey } from "../keys/types.js";
import type { Resolver } from "../net/address-policy.js";
import { loadOrCreatePossessionSecret } from "../store/possession-secret.js";
import { DirectoryError, type KeyDirectory, type KeyRecord, type KeySourceRecord, type KeySourceStore, type SettingsStore } from "../store/ports.js";
import { ImportError } from "./errors.js";
import { fetchKeyList } from "./fetch-key-list.js";
import type { KeyImportSettings } from "./options.js";
import { possessionChallenge, verifyPossession } from "./possession.js";
import { parseSourceRef, type SourceRef } from "./source-ref.js";

/** A key of the list that was not added: the user holds it already, or another user does (named for administrators only). */
interface SkippedKey {
  fingerprintSha256: string;
  reason: "yours" | "another_user";
  holder?: string | undefined;
}

/** What one import or sync did. */
export interface SyncReport {
  source: KeySourceRecord;
  /** New keys, stored unverified. */
  added: KeyRecord[];
  /** Keys gone upstream, revoked here ("removed from <ref>"). */
  revoked: KeyRecord[];
  /** Keys of this source still listed. */
  unchanged: number;
  skipped: SkippedKey[];
  /** Lines that are not acceptable keys (malformed, or refused by the key policy), by line number. */
  refused: { line: number; code: KeyProblemCode; message: string }[];
  /** Some lines were not keys at all, so no key was revoked: a garbled list is not a list of removals. */
  removalsHeld: boolean;
}

export interface KeyImporterDeps {
  directory: KeyDirectory;
  keySources: KeySourceStore;
  settings: SettingsStore;
  options: KeyImportSettings;
  now: () => number;
  /** Name resolution for the address check (tests). */
  resolve?: Resolver | undefined;
}

/** Refusals of the key policy: a real key this server does not take, not a sign the list is garbled. */
const policyRefusals: ReadonlySet<KeyProblemCode> = new Set(["dsa_not_allowed", "rsa_too_short", "weak_key", "unsupported_curve"]);

/** A fetched list, read: its keys once each, and its refused lines. */
interface ReadList {
  keys: ParsedPublicKey[];
  /** The line each key was read from, by fingerprint. */
  lines: Map<string, number>;
  refused: SyncReport["refused"];
  garbled: boolean;
}

function readList(source: SourceRef, text: string, directory: KeyDirectory): ReadList {
  const keys = new Map<string, ParsedPublicKey>();
  const lines = new Map<string, number>();
  const refused: SyncReport["refused"] = [];
  for (const entry of parseKeyPaste(text, directory.keyPolicy)) {
    if (entry.ok) {
      keys.set(entry.key.fingerprintSha256, entry.key);
      if (!lines.has(entry.key.fingerprintSha256)) lines.set(entry.key.fingerprintSha256, entry.source.line);
    } else refused.push({ line: entry.source.line, code: entry.problem.code, message: entry.problem.message });
  }
  const garbled = refused.some((r) => !policyRefusals.has(r.code));
  // An HTML error page answered with 200, a truncated or binary body: not a list of no keys.
  if (garbled && keys.size === 0) throw new ImportError("upstream_unavailable", `${source.ref}: the answer is not a list of SSH public keys`);
  return { keys: [...keys.values()], lines, refused, garbled };
}

/**
 * Imports keys from GitHub, GitLab or a URL and keeps them in step (issue 16): new keys are
 * stored unverified (they never sign in and are never published until their owner signs a
 * challenge with them), keys gone upstream are revoked with their provenance kept. A failed
 * fetch changes no key; a rate limit is remembered and no fetch is made before it ends.
 */
export class KeyImporter {
  constructor(private readonly deps: KeyImporterDeps) {}

  /** The source `text` names, for `username`: checked, not fetched. */
  parse(text: string): SourceRef {
    return parseSourceRef(text, this.deps.options);
  }

  /** Imports from `text` (gh:LOGIN, gitlab:[HOST/]LOGIN, URL): a new source is stored only once its list was read. */
  async importFrom(username: string, text: string): Promise<SyncReport> {
    const ref = this.parse(text);
    const held = (await this.deps.keySources.list(username)).find((s) => s.url === ref.url);
    if (held) return this.sync(held);
    const list = await fetchKeyList(ref, this.deps.options, this.deps.now(), this.deps.resolve);
    const source = await this.deps.keySources.ensure(username, ref);
    return this.apply(source, list);
  }

  /** Fetches the source's list again and applies it; refused without a fetch while upstream's rate limit lasts. */
  async sync(source: KeySourceRecord): Promise<SyncReport> {
    const nowMs = this.deps.now();
    if (source.retryAfter && source.retryAfter.getTime() > nowMs) {
      throw new ImportError("rate_limited", `${source.ref}: upstream asked us to wait; try again after ${source.retryAfter.toISOString()}`, {
        detail: { retryAfter: source.retryAfter },
      });
    }
    let list: string;
    try {
      list = await fetchKeyList(source, this.deps.options, nowMs, this.deps.resolve);
    } catch (error) {
      await this.recordFailure(source, error);
      throw error;
    }
    return this.apply(source, list);
  }

  private async recordFailure(source: KeySourceRecord, error: unknown): Promise<void> {
    if (!(error instanceof ImportError || error instanceof DirectoryError)) return;
    const retryAfter = error instanceof ImportError ? (error.detail?.retryAfter ?? null) : null;
    await this.deps.keySources.recordSync(source.id, { at: new Date(this.deps.now()), error: error.message, retryAfter });
  }

  private async apply(source: KeySourceRecord, text: string): Promise<SyncReport> {
    try {
      const report = await this.applyList(source, readList(source, text, this.deps.directory));
      report.source = await this.deps.keySources.recordSync(source.id, { at: new Date(this.deps.now()), error: null, retryAfter: null });
      return report;
    } catch (error) {
      await this.recordFailure(source, error);
      throw error;
    }
  }

  private async applyList(source: KeySourceRecord, list: ReadList): Promise<SyncReport> {
    const { directory } = this.deps;
    const report: SyncReport = { source, added: [], revoked: [], unchanged: 0, skipped: [], refused: list.refused, removalsHeld: false };
    const fresh: ParsedPublicKey[] = [];
    for (const key of list.keys) {
      const held = await directory.findKey(key.fingerprintSha256).catch((error: unknown) => {
        if (error instanceof DirectoryError && error.code === "not_found") return null;
        throw error;
      });
      if (held === null) fresh.push(key);
      else if (held.sourceId === source.id) report.unchanged++;
      else if (held.userId === source.userId) report.skipped.push({ fingerprintSha256: key.fingerprintSha256, reason: "yours" });
      else report.skipped.push({ fingerprintSha256: key.fingerprintSha256, reason: "another_user", holder: held.username });
    }
    if (fresh.length > 0) report.added = await this.insertFresh(source, fresh, list, report);
    const listed = new Set(list.keys.map((k) => k.fingerprintSha256));
    const gone = (await directory.listKeys(source.username)).filter((k) => k.sourceId === source.id && !k.revokedAt && !listed.has(k.fingerprintSha256));
    if (list.garbled) report.removalsHeld = gone.length > 0;
    else {
      for (const key of gone) report.revoked.push(await directory.revokeKeyById(key.id, `removed from ${source.ref}`, new Date(this.deps.now())));
    }
    return report;
  }

  /**
   * Stores the list's new keys. A key the key policy refuses is reported with its line and the
   * rest are stored: one such key upstream must not stop every sync of the source.
   */
  private async insertFresh(source: KeySourceRecord, fresh: ParsedPublicKey[], list: ReadList, report: SyncReport): Promise<KeyRecord[]> {
    const insert = (keys: ParsedPublicKey[]) =>
      this.deps.directory
        .insertKeys(source.userId, keys, { origin: "import", originRef: source.ref, sourceId: source.id, unverified: true })
        .catch((error: unknown) => {
          // Registered by someone between the lookup and the insert: its message would name the holder.
          if (error instanceof DirectoryError && error.code === "conflict")
            throw new DirectoryError("conflict", "a key of the list was registered meanwhile; sync again");
          throw error;
        });
    const refusedByPolicy = (error: unknown) => error instanceof DirectoryError && error.code === "key_policy";
    try {
      return await insert(fresh);
    } catch (error) {
      if (!refusedByPolicy(error)) throw error;
    }
    const added: KeyRecord[] = [];
    for (const key of fresh) {
      try {
        added.push(...(await insert([key])));
      } catch (error) {
        if (!refusedByPolicy(error)) throw error;
        report.refused.push({ line: list.lines.get(key.fingerprintSha256) ?? 0, code: "breaks_key_policy", message: (error as Error).message });
      }
    }
    return added;
  }

  /** The text the key's owner signs to prove holding it. */
  async challenge(key: Pick<KeyRecord, "userId" | "fingerprintSha256">): Promise<string> {
    return possessionChallenge(await loadOrCreatePossessionSecret(this.deps.settings), key.userId, key.fingerprintSha256);
  }

  /** Checks the owner's signature of the key's challenge; the key is then verified (it may sign in). */
  async verify(key: KeyRecord, armoredSignature: string): Promise<KeyRecord> {
    verifyPossession(parsePublicKey(key.openssh, this.deps.directory.keyPolicy), await this.challenge(key), armoredSignature);
    return this.deps.directory.markKeyVerified(key.id, new Date(this.deps.now()));
  }
}
