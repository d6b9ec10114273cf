import type { KeySourceStore } from "../store/ports.js";
import type { KeyImporter } from "./key-importer.js";

export interface PeriodicSyncOptions {
  /** Between two rounds, in milliseconds. */
  intervalMs: number;
  now: () => number;
  /** Where a round's failures go (one line per source); a rate limit or an unreachable upstream is expected, not a crash. */
  log: (message: string) => void;
}

/**
 * Syncs every user's import sources each `intervalMs`, one source after another (upstreams
 * rate-limit by client), skipping those whose rate limit has not ended. Rounds never overlap.
 * Answers a function that stops it and waits for a round in progress.
 */
export function startPeriodicSync(importer: KeyImporter, sources: KeySourceStore, options: PeriodicSyncOptions): () => Promise<void> {
  let round: Promise<void> | null = null;
  let stopped = false;
  const run = async () => {
    for (const source of await sources.listAll()) {
      if (stopped) return;
      if (source.retryAfter && source.retryAfter.getTime() > options.now()) continue;
      await importer
        .sync(source)
        .catch((error: unknown) => options.log(`key sync of ${source.ref} for ${source.username} failed: ${(error as Error).message}`));
    }
  };
  const timer = setInterval(() => {
    round ??= run()
      .catch((error: unknown) => options.log(`key sync round failed: ${(error as Error).message}`))
      .finally(() => (round = null));
  }, options.intervalMs);
  timer.unref();
  return async () => {
    stopped = true;
    clearInterval(timer);
    await round;
  };
}
