// One autocannon run against a loopback server, each request with its own credential headers
// (single-use tokens in Authorization, or RFC 9421's Signature-Input and Signature). Counts, timing and response times come from autocannon's
// per-response events: its result is only emitted on its 1 s tick (so a fixed `amount`
// would otherwise be timed in whole seconds) and its latency histogram keeps whole ms.
import autocannon from "autocannon";
import { percentileSorted } from "../lib/stats.js";

export interface LoadRun {
  url: string;
  connections: number;
  /** Exactly this many requests (tokens are single-use, so runs are sized by count). */
  amount: number;
  /** The credential headers of request i, or null for none. */
  headers: ((i: number) => Readonly<Record<string, string>>) | null;
}

export interface LoadResult {
  ok: number;
  failures: number;
  statusCounts: Record<string, number>;
  seconds: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export function runLoad(run: LoadRun): Promise<LoadResult> {
  let next = 0;
  const credential = run.headers;
  const request = credential
    ? {
        method: "GET",
        path: "/whoami",
        setupRequest: (req: { headers?: Record<string, string> }) => ({ ...req, headers: { ...req.headers, ...credential(next++) } }),
      }
    : { method: "GET", path: "/whoami" };
  const latencies = new Float64Array(run.amount);
  const statusCounts: Record<string, number> = {};
  let ok = 0;
  let done = 0;
  let errors = 0;
  let last = 0;
  const started = performance.now();
  return new Promise<LoadResult>((resolve, reject) => {
    let settled = false;
    const finish = () => {
      if (settled) return;
      settled = true;
      instance.stop();
      const sorted = latencies.subarray(0, ok).sort();
      const seconds = ((last || performance.now()) - started) / 1000;
      resolve({
        ok,
        failures: done - ok + errors,
        statusCounts,
        seconds,
        reqPerSec: ok / seconds,
        p50Ms: percentileSorted(sorted, 50),
        p99Ms: percentileSorted(sorted, 99),
      });
    };
    const instance = autocannon(
      { url: run.url, connections: run.connections, pipelining: 1, amount: run.amount, timeout: 10, requests: [request] },
      (error) => {
        if (error && !settled) {
          settled = true;
          reject(error);
        } else finish();
      },
    );
    instance.on("response", (_client: unknown, statusCode: number, _bytes: number, responseTime: number) => {
      last = performance.now();
      statusCounts[statusCode] = (statusCounts[statusCode] ?? 0) + 1;
      if (statusCode >= 200 && statusCode < 300 && ok < latencies.length) latencies[ok++] = responseTime;
      if (++done + errors >= run.amount) finish();
    });
    instance.on("reqError", () => {
      errors++;
      if (done + errors >= run.amount) finish();
    });
  });
}
