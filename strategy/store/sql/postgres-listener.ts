import pg from "pg";

/**
 * LISTENs on the change channel with a dedicated connection and calls `onNotify` for
 * every NOTIFY; reconnects after a drop. Polling stays the safety net, so a lost
 * connection delays invalidation by one poll interval at most.
 */
export function listenForChanges(
  url: string,
  onNotify: () => void,
  timeouts: { connectionTimeoutMillis?: number; keepAlive?: boolean } = {},
): { close(): Promise<void> } {
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;

  const connect = async () => {
    const next = new pg.Client({ connectionString: url, connectionTimeoutMillis: timeouts.connectionTimeoutMillis, keepAlive: timeouts.keepAlive });
    next.on("notification", () => onNotify());
    next.on("error", () => reconnect());
    try {
      await next.connect();
      await next.query("LISTEN passport_sshkey_changes");
      if (closed) return void next.end().catch(() => {});
      client = next;
      // Changes made while disconnected were missed: treat the reconnect as one.
      onNotify();
    } catch {
      next.end().catch(() => {});
      reconnect();
    }
  };
  const reconnect = () => {
    client?.end().catch(() => {});
    client = null;
    if (closed || retry) return;
    retry = setTimeout(() => {
      retry = null;
      void connect();
    }, 1000);
    retry.unref();
  };
  void connect();
  return {
    async close() {
      closed = true;
      if (retry) clearTimeout(retry);
      // A stalled server never acknowledges the goodbye: do not let shutdown wait for it.
      const ending = client?.end().catch(() => {});
      await Promise.race([ending, new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
    },
  };
}
