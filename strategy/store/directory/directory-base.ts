import type { KeyPolicyOptions } from "../../keys/policy.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import { describeBreaks, newKeyPolicy } from "../../policy/rules.js";
import type { KeyPolicySource } from "../../policy/setting.js";
import { DirectoryError, type ChangeListener, type KeyRecord, type NewKeyOptions, type UserRecord } from "../ports.js";
import { checkDirectoryOptions, parseOneKey, type DirectoryOptions } from "./rules.js";

/**
 * What every KeyDirectory adapter shares: the checked policy and key limit, change
 * listeners, and the single-key writes expressed through the adapter's batch insert.
 */
export abstract class DirectoryBase {
  private readonly listeners: ChangeListener[] = [];
  readonly keyPolicy: Readonly<KeyPolicyOptions>;
  readonly maxKeysPerUser: number;
  private policy: { source: KeyPolicySource; now: () => number } | null = null;

  constructor(options: DirectoryOptions = {}) {
    const checked = checkDirectoryOptions(options);
    this.keyPolicy = Object.freeze({ rsaMaxBits: checked.rsaMaxBits });
    this.maxKeysPerUser = checked.maxKeysPerUser;
  }

  onChange(listener: ChangeListener): void {
    this.listeners.push(listener);
  }

  protected changed(kind: "key" | "user", id: string): void {
    for (const listener of this.listeners) listener({ kind, id });
  }

  /** From now on keys added must meet the instance key policy (strategy/policy/), and get its lifetime as expiry. */
  usePolicy(source: KeyPolicySource, now: () => number): void {
    this.policy = { source, now };
  }

  /**
   * The options to store `keys` with under the key policy: the expiry its lifetime gives when
   * none was asked. Throws DirectoryError("key_policy") naming the rule a key breaks, or when the
   * stored policy cannot be read. LDAP keys are stored whatever they break: the directory, not
   * this store, decides what they are, so they are refused at sign-in and flagged instead.
   */
  protected async applyKeyPolicy(userId: string, keys: readonly ParsedPublicKey[], options: NewKeyOptions): Promise<NewKeyOptions> {
    if (this.policy === null || options.origin === "ldap") return options;
    const reading = await this.policy.source.current();
    if (reading.error !== null) throw new DirectoryError("key_policy", `${reading.error}; set the key policy again before adding keys`);
    const ownerIsAdmin = await this.ownerIsAdmin(userId);
    const nowMs = this.policy.now();
    let expiresAt = options.expiresAt;
    for (const key of keys) {
      const checked = newKeyPolicy(reading.policy, { type: key.type, bits: key.bits, ownerIsAdmin }, options.expiresAt, nowMs);
      if (checked.breaks.length > 0) {
        const which = keys.length > 1 ? `key ${key.fingerprintSha256} ` : "this key ";
        throw new DirectoryError("key_policy", which + describeBreaks(checked.breaks));
      }
      expiresAt = checked.expiresAt;
    }
    return { ...options, expiresAt };
  }

  /** Whether the user with this id is an administrator (false when there is none: the insert refuses it). */
  protected abstract ownerIsAdmin(userId: string): Promise<boolean>;
  abstract findUser(username: string): Promise<UserRecord>;
  abstract insertKeys(userId: string, keys: ParsedPublicKey[], options?: NewKeyOptions): Promise<KeyRecord[]>;

  async addKey(username: string, text: string, options: NewKeyOptions = {}): Promise<KeyRecord> {
    const user = await this.findUser(username);
    return this.insertKey(user.id, parseOneKey(text, this.keyPolicy), options);
  }

  async insertKey(userId: string, key: ParsedPublicKey, options: NewKeyOptions): Promise<KeyRecord> {
    return (await this.insertKeys(userId, [key], options))[0]!;
  }
}
