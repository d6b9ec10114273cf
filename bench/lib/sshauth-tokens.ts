// Fresh sshauth tokens made with the project's client (signSshauthToken). sshauth has no
// nonce: the replay id is (key, signed message), and an unbound message is (identity,
// fingerprint, timestamp in whole seconds). So a key yields one fresh token per second
// within the accepted skew window (±60 s); the source hands out (key, timestamp) pairs
// never used before in this run, over many keys and timestamps now−40 … now+55.
import { signSshauthToken, type ClientSigner } from "../../strategy/client/index.js";

export interface SshauthIdentity {
  username: string;
  signer: ClientSigner;
}

const back = 40;
const ahead = 55;
/** Timestamps one key offers at a given moment. */
export const sshauthTimestampsPerKey = back + ahead + 1;

export class SshauthTokenSource {
  /** Last timestamp used per identity. */
  private readonly used: number[];

  constructor(private readonly identities: readonly SshauthIdentity[]) {
    this.used = identities.map(() => -Infinity);
  }

  /** How many fresh tokens can be made now. */
  capacity(nowMs = Date.now()): number {
    const now = Math.floor(nowMs / 1000);
    return this.used.reduce((sum, last) => sum + Math.max(0, now + ahead - Math.max(last + 1, now - back) + 1), 0);
  }

  /** `count` Authorization values (`Bearer <token>`), each a never-used (key, timestamp) pair. */
  async take(count: number, nowMs = Date.now()): Promise<string[]> {
    if (count > this.capacity(nowMs)) throw new Error(`sshauth: only ${this.capacity(nowMs)} fresh tokens available now, ${count} asked`);
    const now = Math.floor(nowMs / 1000);
    const jobs: { who: SshauthIdentity; timestamp: number }[] = [];
    for (let k = 0; jobs.length < count; k = (k + 1) % this.identities.length) {
      const next = Math.max(this.used[k]! + 1, now - back);
      if (next > now + ahead) continue;
      this.used[k] = next;
      jobs.push({ who: this.identities[k]!, timestamp: next });
    }
    const tokens = new Array<string>(count);
    let cursor = 0;
    const worker = async () => {
      while (cursor < jobs.length) {
        const i = cursor++;
        const { who, timestamp } = jobs[i]!;
        tokens[i] = `Bearer ${await signSshauthToken({ signer: who.signer, identity: who.username, includeFingerprint: true, timestamp })}`;
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
    return tokens;
  }
}
