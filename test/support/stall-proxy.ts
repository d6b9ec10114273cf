// A TCP proxy on loopback that a test can stall: while stalled no byte moves in either
// direction and new connections are held unanswered, as in a network partition where
// sockets stay open. Resuming lets everything flow again.
import net from "node:net";

export interface StallProxy {
  port: number;
  stall(): void;
  resume(): void;
  close(): Promise<void>;
}

export async function startStallProxy(target: { host: string; port: number }): Promise<StallProxy> {
  let stalled = false;
  const pairs = new Set<{ client: net.Socket; upstream: net.Socket | null }>();
  const held: (() => void)[] = [];

  const connectUpstream = (pair: { client: net.Socket; upstream: net.Socket | null }) => {
    const upstream = net.connect(target.port, target.host);
    pair.upstream = upstream;
    const { client } = pair;
    client.on("data", (chunk) => upstream.write(chunk));
    upstream.on("data", (chunk) => client.write(chunk));
    const end = () => {
      client.destroy();
      upstream.destroy();
      pairs.delete(pair);
    };
    client.on("close", end).on("error", end);
    upstream.on("close", end).on("error", end);
    if (stalled) {
      client.pause();
      upstream.pause();
    } else {
      client.resume();
    }
  };

  const server = net.createServer((client) => {
    client.pause();
    const pair = { client, upstream: null as net.Socket | null };
    pairs.add(pair);
    client.on("error", () => client.destroy());
    if (stalled) held.push(() => connectUpstream(pair));
    else connectUpstream(pair);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as net.AddressInfo).port;

  return {
    port,
    stall() {
      stalled = true;
      for (const { client, upstream } of pairs) {
        client.pause();
        upstream?.pause();
      }
    },
    resume() {
      stalled = false;
      for (const { client, upstream } of pairs) {
        client.resume();
        upstream?.resume();
      }
      for (const connect of held.splice(0)) connect();
    },
    async close() {
      for (const { client, upstream } of pairs) {
        client.destroy();
        upstream?.destroy();
      }
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
