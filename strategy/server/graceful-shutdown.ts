import type { Server } from "node:http";

export interface GracefulShutdownOptions {
  /** Longest the whole shutdown may take before the process exits anyway (default 10 s). */
  timeoutMs: number;
  /** Releases what the server holds once no request is in flight (flush events, close the store). */
  release: () => Promise<void>;
  /** Where the one-line reports go (default stderr). */
  report?: (line: string) => void;
  exit?: (code: number) => void;
}

/**
 * Stops a server the way a load balancer expects on SIGTERM: no new connections, requests in
 * flight answered in full (idle keep-alive connections are closed, busy ones after their
 * response), then `release` (buffered events and last-used times written), then exit 0.
 * Past `timeoutMs` remaining connections are cut, `release` gets one more second, and the
 * process exits 1, so a client that never finishes or a stalled database cannot keep an
 * instance alive.
 */
export function shutDownGracefully(server: Server, options: GracefulShutdownOptions): Promise<void> {
  const report = options.report ?? ((line: string) => process.stderr.write(`passport-sshkey: ${line}\n`));
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let releasing: Promise<void> | null = null;
  let forced = false;
  const release = () => (releasing ??= options.release());
  const deadline = setTimeout(() => {
    forced = true;
    report(`shutdown did not finish within ${options.timeoutMs} ms; exiting`);
    server.closeAllConnections();
    // What the requests already answered left in the buffers still gets one last, short chance.
    const last = new Promise((resolve) => setTimeout(resolve, lastReleaseMs).unref());
    void Promise.race([release().catch(() => {}), last]).then(() => exit(1));
  }, options.timeoutMs);
  deadline.unref();
  // Keep-alive connections that fall idle while draining are closed as they do.
  const idleSweep = setInterval(() => server.closeIdleConnections(), 100);
  idleSweep.unref();
  const drained = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  return drained
    .then(() => {
      clearInterval(idleSweep);
      return release();
    })
    .then(
      () => {
        clearTimeout(deadline);
        // Cut connections also end the drain: a forced shutdown still exits 1.
        exit(forced ? 1 : 0);
      },
      (error: unknown) => {
        clearTimeout(deadline);
        report(`shutdown: ${error instanceof Error ? error.message : String(error)}`);
        exit(1);
      },
    );
}

/** After the deadline, how long buffered events may still take to be written. */
const lastReleaseMs = 1000;
