import type { KeyPolicyOptions } from "../../keys/policy.js";
import type { ParsedPublicKey } from "../../keys/types.js";
import type { ChangeListener, KeyRecord, NewKeyOptions, UserRecord } from "../ports.js";
import { checkDirectoryOptions, parseOneKey, type DirectoryOptions } from "./rules.js";

/**
 * What every KeyDirectory adapter shares: the checked policy and key limit, change
 * listeners, and the single-key writes expressed through the adapter's batch insert.
 */
export abstract class DirectoryBase {
  private readonly listeners: ChangeListener[] = [];
  readonly keyPolicy: Readonly<KeyPolicyOptions>;
  readonly maxKeysPerUser: number;

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
