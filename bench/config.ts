// Run settings: a full run (~6 min on 2 cores) or BENCH_QUICK=1 (~1 min smoke run).
export const benchPhases = ["inprocess", "http", "scale", "revocation", "cli"] as const;
export type BenchPhase = (typeof benchPhases)[number];

export interface BenchConfig {
  quick: boolean;
  /** BENCH_PHASES=http,scale runs only those (a partial run does not replace bench/results/latest.*). */
  phases: readonly BenchPhase[];
  inprocess: { rounds: number; sampleMs: number; warmupMs: number; rsaPool: number; pool: number };
  http: {
    rounds: number;
    roundSeconds: number;
    warmupSeconds: number;
    connections: number;
    /** Upper bound of fresh single-use tokens signed for one round: every RSA signature is made before the round starts. */
    maxTokensPerRound: number;
    /** Ed25519 keys for sshauth: each yields one fresh token per second of the skew window. */
    sshauthKeys: number;
  };
  scale: { sizes: number[]; rounds: number; requestsPerRound: number; roundSeconds: number; connections: number; realUsers: number };
  postgresUrl: string;
  redisUrl: string;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): BenchConfig {
  const quick = env.BENCH_QUICK === "1" || env.BENCH_QUICK === "true";
  const phases = env.BENCH_PHASES ? env.BENCH_PHASES.split(",").map((p) => p.trim()) : [...benchPhases];
  const unknown = phases.filter((p) => !(benchPhases as readonly string[]).includes(p));
  if (unknown.length) throw new Error(`BENCH_PHASES: unknown phase ${unknown.join(", ")} (known: ${benchPhases.join(", ")})`);
  const postgresUrl = env.BENCH_POSTGRES_URL ?? env.TEST_POSTGRES_URL ?? "postgresql://postgres@127.0.0.1:5432/test";
  const redisUrl = env.BENCH_REDIS_URL ?? "redis://127.0.0.1:6379";
  if (quick) {
    return {
      quick,
      phases: phases as BenchPhase[],
      inprocess: { rounds: 3, sampleMs: 100, warmupMs: 60, rsaPool: 300, pool: 600 },
      http: { rounds: 3, roundSeconds: 1, warmupSeconds: 0.5, connections: 10, maxTokensPerRound: 5000, sshauthKeys: 100 },
      scale: { sizes: [1_000, 10_000], rounds: 2, requestsPerRound: 500, roundSeconds: 1, connections: 1, realUsers: 4 },
      postgresUrl,
      redisUrl,
    };
  }
  return {
    quick,
    phases: phases as BenchPhase[],
    inprocess: { rounds: 5, sampleMs: 250, warmupMs: 200, rsaPool: 1000, pool: 2000 },
    http: { rounds: 8, roundSeconds: 3, warmupSeconds: 2, connections: 10, maxTokensPerRound: 16_000, sshauthKeys: 400 },
    scale: { sizes: [1_000, 100_000, 1_000_000], rounds: 5, requestsPerRound: 2500, roundSeconds: 3, connections: 1, realUsers: 16 },
    postgresUrl,
    redisUrl,
  };
}
