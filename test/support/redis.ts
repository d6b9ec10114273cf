// Redis-backed tests run when Redis answers (mandatory under CI=true), like PostgreSQL's.
import { Redis } from "ioredis";

export const redisUrl = process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";

async function redisAnswers(): Promise<boolean> {
  const client = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, connectTimeout: 2000, retryStrategy: () => null });
  client.on("error", () => {});
  try {
    await client.connect();
    return (await client.ping()) === "PONG";
  } catch {
    return false;
  } finally {
    client.disconnect();
  }
}

export const redisUp = await redisAnswers();
if (!redisUp && process.env.CI === "true") {
  throw new Error(`CI=true but Redis does not answer at ${redisUrl}; the Redis suite is mandatory in CI`);
}
if (!redisUp) console.warn(`Redis not reachable at ${redisUrl}: skipping the Redis suite`);
