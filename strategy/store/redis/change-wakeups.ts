import { Redis } from "ioredis";

const changesChannel = "passport-sshkey:changes";

/**
 * Redis pub/sub as a fast path for change notices between instances: publishers send
 * a message, subscribers check the database generation at once instead of at their
 * next poll. Polling stays the safety net when Redis is unreachable.
 */
export function redisChangeWakeups(url: string, onMessage: () => void) {
  const subscriber = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  // A stalled Redis must not hold up the change that is being announced.
  const publisher = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 1, connectTimeout: 2000, commandTimeout: 1000 });
  subscriber.on("message", () => onMessage());
  subscriber.on("error", () => {});
  publisher.on("error", () => {});
  // Missed messages while reconnecting are covered by re-reading the generation.
  subscriber.on("ready", () => onMessage());
  void subscriber.connect().then(
    () => subscriber.subscribe(changesChannel),
    () => {},
  );
  return {
    async publish(): Promise<void> {
      await publisher.publish(changesChannel, "1").catch(() => {});
    },
    async close(): Promise<void> {
      subscriber.disconnect();
      publisher.disconnect();
    },
  };
}
