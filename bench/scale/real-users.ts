// The users the scaling runs authenticate as: real RSA keys added through the library's
// own directory (PrismaDirectory), after the filler rows are in.
import { openPrismaStore } from "../../strategy/index.js";
import type { JwtSignerSpec } from "../lib/jwt-sign-pool.js";
import { generateBenchKey, type BenchKey } from "../lib/keys.js";

export interface RealUser {
  username: string;
  key: BenchKey;
  spec: JwtSignerSpec;
}

export function makeRealUsers(count: number): RealUser[] {
  return Array.from({ length: count }, (_, i) => {
    const username = `bench-${i}`;
    const key = generateBenchKey("rsa2048", username);
    return { username, key, spec: { privatePem: key.privatePem, kid: key.parsed.kid, username, alg: "RS256" as const } };
  });
}

export async function addRealUsers(url: string, users: readonly RealUser[]): Promise<void> {
  const store = await openPrismaStore({ url, migrate: false });
  try {
    for (const u of users) {
      await store.directory.addUser(u.username);
      await store.directory.addKey(u.username, u.key.parsed.openssh);
    }
  } finally {
    await store.close();
  }
}
