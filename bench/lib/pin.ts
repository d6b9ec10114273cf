// CPU pinning with taskset (util-linux): the server under test on the last core, the load
// generator on core 0, so client and server never share a core. Skipped when unavailable.
import { execFileSync } from "node:child_process";
import os from "node:os";

function hasTaskset(): boolean {
  try {
    execFileSync("taskset", ["-p", String(process.pid)], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const cpuCount = os.availableParallelism();
export const pinning = { enabled: cpuCount >= 2 && hasTaskset(), serverCpu: cpuCount - 1, clientCpu: 0, cpuCount };

/** The command line for a child, prefixed with `taskset -c <server cpu>` when pinning works. */
export function pinnedCommand(argv: readonly string[]): { command: string; args: string[] } {
  if (!pinning.enabled) return { command: argv[0]!, args: argv.slice(1) };
  return { command: "taskset", args: ["-c", String(pinning.serverCpu), ...argv] };
}

function setOwnAffinity(cpus: string): void {
  if (!pinning.enabled) return;
  try {
    execFileSync("taskset", ["-a", "-p", "-c", cpus, String(process.pid)], { stdio: "ignore" });
  } catch {
    // Best effort: an unpinned client only adds noise.
  }
}

/** Runs `fn` with this process (all its threads) on the client core, then restores all cores. */
export async function onClientCpu<T>(fn: () => Promise<T>): Promise<T> {
  setOwnAffinity(String(pinning.clientCpu));
  try {
    return await fn();
  } finally {
    setOwnAffinity(`0-${pinning.cpuCount - 1}`);
  }
}
