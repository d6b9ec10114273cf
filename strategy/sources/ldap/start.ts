// The periodic LDAP sync: its options are checked at once, the sync itself (run.ts) loads with its first run.
import { ldapSettings } from "./options.js";
import type { LdapSyncOptions, LdapSyncOutcome } from "./run.js";

export interface LdapSyncRunner {
  /** Runs a sync now (after the one under way, if any). */
  syncNow(): Promise<LdapSyncOutcome>;
  /** No further runs; waits for the one under way. */
  stop(): Promise<void>;
}

/**
 * Syncs at once and then every `refreshSeconds` (default 60), one run at a time. Every store
 * change reaches every instance's key cache within a second, so a key removed from LDAP stops
 * authenticating within the refresh interval plus a second. Errors go to `onError` (default:
 * stderr); a failed run is retried at the next interval.
 *
 * @example
 * const runner = startLdapSync({ store, ldap: { url, baseDn, refreshSeconds: 30 } });
 * process.once("SIGTERM", () => void runner.stop());
 */
export function startLdapSync(
  options: LdapSyncOptions & { onOutcome?: ((outcome: LdapSyncOutcome) => void) | undefined; onError?: ((error: unknown) => void) | undefined },
): LdapSyncRunner {
  const { refreshMs } = ldapSettings(options.ldap);
  const onError = options.onError ?? ((error: unknown) => process.stderr.write(`passport-sshkey: LDAP sync failed: ${(error as Error).message}\n`));
  let running: Promise<LdapSyncOutcome> = Promise.resolve({ ok: false, error: "not run yet" });
  let stopped = false;
  const syncNow = (): Promise<LdapSyncOutcome> => {
    running = running
      .catch(() => undefined)
      // Imported here: the package's entry would otherwise hold the LDAP sync in every server (start memory).
      .then(async () => (await import("./run.js")).runLdapSync(options))
      .then((outcome) => {
        if (!outcome.ok) onError(new Error(outcome.error));
        options.onOutcome?.(outcome);
        return outcome;
      });
    return running;
  };
  const tick = () => void syncNow().catch(onError);
  tick();
  const timer = setInterval(tick, refreshMs);
  timer.unref();
  return {
    syncNow() {
      if (stopped) return Promise.reject(new Error("the LDAP sync is stopped"));
      return syncNow();
    },
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running.catch(() => {});
    },
  };
}
