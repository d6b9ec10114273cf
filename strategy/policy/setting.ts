/**
 * The instance key policy in the store: one Setting row, checked by the contract's schema on
 * every read and write, and a short cache that every change notice (store.changes, from this
 * process or another) empties, so a `policy set` anywhere applies to every instance's next sign-in.
 */
import { defaultKeyPolicy, KeyPolicyChange, KeyPolicyJson, type KeyPolicy } from "../contract/policy.js";
import type { ChangeFeed, SettingsStore } from "../store/ports.js";

export const keyPolicySettingKey = "key-policy";

/**
 * The policy in force, or why the stored one cannot be read. An unreadable policy is never
 * replaced by the defaults for sign-in: that could let in keys it was written to keep out.
 * `policy` is then the defaults, for showing and for editing over it.
 */
export type KeyPolicyReading = { policy: KeyPolicy; error: null } | { policy: KeyPolicy; error: string };

/** The reading of a stored value (null: none stored, so the defaults). */
function parseStoredPolicy(text: string | null): KeyPolicyReading {
  if (text === null) return { policy: defaultKeyPolicy, error: null };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { policy: defaultKeyPolicy, error: "the stored key policy is not JSON" };
  }
  const parsed = KeyPolicyJson.safeParse(json);
  if (parsed.success) return { policy: parsed.data, error: null };
  const issue = parsed.error.issues[0];
  const where = issue && issue.path.length > 0 ? `${issue.path.join(".")}: ` : "";
  return { policy: defaultKeyPolicy, error: `the stored key policy is invalid (${where}${issue?.message ?? "unknown"})`.slice(0, 300) };
}

export async function readKeyPolicy(settings: SettingsStore): Promise<KeyPolicyReading> {
  return parseStoredPolicy(await settings.read(keyPolicySettingKey));
}

/**
 * Applies `change` over the policy in force (over the defaults when the stored one is
 * unreadable, or with `reset`), stores the result and tells every instance. Throws ZodError for a bad change.
 */
export async function writeKeyPolicy(
  store: { settings: SettingsStore; changes: ChangeFeed },
  change: unknown,
  options: { reset?: boolean | undefined } = {},
): Promise<{ before: KeyPolicyReading; after: KeyPolicy }> {
  const fields = KeyPolicyChange.parse(change);
  const before = await readKeyPolicy(store.settings);
  const after = KeyPolicyJson.parse({ ...(options.reset ? defaultKeyPolicy : before.policy), ...fields });
  await store.settings.write(keyPolicySettingKey, JSON.stringify(after));
  await store.changes.publish();
  return { before, after };
}

/** Where the policy is read from on the authentication and upload paths. */
export interface KeyPolicySource {
  /** The reading itself once it is in hand (a sign-in then waits no turn for it), else the read under way. */
  current(): KeyPolicyReading | Promise<KeyPolicyReading>;
}

export interface KeyPolicyReaderOptions {
  /** Longest a reading is trusted even without a change notice (default 5 s). */
  maxAgeMs?: number | undefined;
  /** Told once per distinct unreadable value (default console.warn). */
  warn?: ((message: string) => void) | undefined;
}

/** KeyPolicySource over a SettingsStore, cached until the next change notice or `maxAgeMs`. */
export class KeyPolicyReader implements KeyPolicySource {
  private cached: { reading: Promise<KeyPolicyReading>; settled: KeyPolicyReading | null; at: number } | null = null;
  private lastWarned: string | null = null;
  private readonly maxAgeMs: number;
  private readonly warn: (message: string) => void;
  private readonly unsubscribe: () => void;

  constructor(
    private readonly settings: SettingsStore,
    feed: ChangeFeed,
    options: KeyPolicyReaderOptions = {},
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 5000;
    this.warn = options.warn ?? ((message) => console.warn(message));
    this.unsubscribe = feed.subscribe(() => {
      this.cached = null;
    });
  }

  current(): KeyPolicyReading | Promise<KeyPolicyReading> {
    // Wall-clock age, independent of any test clock given to the strategy.
    const now = Date.now();
    if (this.cached && now - this.cached.at < this.maxAgeMs) return this.cached.settled ?? this.cached.reading;
    const reading = readKeyPolicy(this.settings).then((found) => {
      if (found.error !== null && found.error !== this.lastWarned) {
        this.lastWarned = found.error;
        this.warn(`passport-sshkey: ${found.error}; every sign-in is refused with key_policy until it is set again (passport-sshkey policy set)`);
      }
      if (this.cached?.reading === reading) this.cached.settled = found;
      return found;
    });
    // A change notice during the read empties the cache again; a failed read is never kept.
    this.cached = { reading, settled: null, at: now };
    reading.catch(() => {
      if (this.cached?.reading === reading) this.cached = null;
    });
    return reading;
  }

  close(): void {
    this.unsubscribe();
  }
}
