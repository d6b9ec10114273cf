// Whether Redis answers, in the shape of postgresAnswers: null when it does, else why not.
import { Redis } from "ioredis";

export async function redisAnswers(url: string): Promise<string | null> {
  // No retries: an absent server must fail in ~2 s, not reconnect forever.
  const client = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    const pong = await client.ping();
    return pong === "PONG" ? null : `PING answered ${pong}`;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    client.disconnect();
  }
}
