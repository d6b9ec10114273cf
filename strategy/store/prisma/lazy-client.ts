// The Prisma client, loaded on first use. Its generated client, adapter and query compiler are
// most of a server's memory after start (issue 19), and a process that only authenticates never
// needs them: key lookups, settings, limits, replay, events and the change feed run on the
// driver (store/sql/). The directory, the console and the logs load it when they first query.
import type { Prisma } from "./client.js";

type Path = readonly PropertyKey[];

/**
 * A call made before the client was loaded. Lazy like a PrismaPromise: it runs when awaited,
 * and inside `$transaction([...])` it is replayed on the real client, so array transactions
 * still get Prisma's own promises.
 */
class DeferredCall implements PromiseLike<unknown> {
  private started: Promise<unknown> | null = null;

  constructor(
    private readonly client: () => Promise<Prisma>,
    readonly path: Path,
    readonly args: readonly unknown[],
  ) {}

  private run(): Promise<unknown> {
    return (this.started ??= this.client().then((prisma) => invoke(prisma, this)));
  }

  then<A = unknown, B = never>(onFulfilled?: ((value: unknown) => A | PromiseLike<A>) | null, onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null) {
    return this.run().then(onFulfilled, onRejected);
  }

  catch<B = never>(onRejected?: ((reason: unknown) => B | PromiseLike<B>) | null) {
    return this.run().catch(onRejected);
  }

  finally(onFinally?: (() => void) | null) {
    return this.run().finally(onFinally);
  }
}

/** The call on the real client, with deferred calls among its arguments (at any array depth) replayed there too. */
function invoke(prisma: Prisma, call: DeferredCall): unknown {
  // A tagged template's strings array ($queryRaw) carries `raw`: it reaches Prisma as it is.
  const realize = (value: unknown): unknown =>
    value instanceof DeferredCall ? invoke(prisma, value) : Array.isArray(value) && !("raw" in value) ? value.map(realize) : value;
  let owner: unknown = prisma;
  for (const key of call.path.slice(0, -1)) owner = (owner as Record<PropertyKey, unknown>)[key];
  const method = (owner as Record<PropertyKey, (...args: unknown[]) => unknown>)[call.path.at(-1)!]!;
  return method.apply(owner, call.args.map(realize));
}

export interface LazyPrisma {
  /** Stands for the client: every model and `$` method, loading the client on the first call. */
  prisma: Prisma;
  /** Whether the client has been loaded (tests, and close()). */
  loaded(): boolean;
  /** Disconnects the client if it was loaded. */
  close(): Promise<void>;
}

export function lazyPrisma(load: () => Promise<Prisma>): LazyPrisma {
  let client: Prisma | null = null;
  let loading: Promise<Prisma> | null = null;
  const get = (): Promise<Prisma> =>
    (loading ??= load().then(
      (prisma) => (client = prisma),
      (error: unknown) => {
        // A failed load (the database not there yet) is tried again by the next call.
        loading = null;
        throw error;
      },
    ));
  const at = (path: Path): unknown =>
    new Proxy(function deferred() {}, {
      get(_target, key) {
        if (client) return resolveOn(client, [...path, key]);
        // Not a thenable itself: `await prisma.user` must not try to call a `then` on the client.
        if (key === "then") return undefined;
        return at([...path, key]);
      },
      apply(_target, _self, args: unknown[]) {
        const call = new DeferredCall(get, path, args);
        return client ? invoke(client, call) : call;
      },
    });
  const root = new Proxy({} as Prisma, {
    get(_target, key) {
      if (client) return resolveOn(client, [key]);
      if (key === "then") return undefined;
      // Nothing to disconnect from before the first query.
      if (key === "$disconnect") return async () => {};
      return at([key]);
    },
  });
  return {
    prisma: root,
    loaded: () => client !== null,
    async close() {
      const pending = loading;
      if (!pending) return;
      const prisma = await pending.catch(() => null);
      await prisma?.$disconnect();
    },
  };
}

/** A property of the loaded client, with methods bound to their owner (the proxy is not a Prisma `this`). */
function resolveOn(prisma: Prisma, path: Path): unknown {
  let owner: unknown = prisma;
  for (const key of path.slice(0, -1)) owner = (owner as Record<PropertyKey, unknown>)[key];
  const value = (owner as Record<PropertyKey, unknown>)[path.at(-1)!];
  return typeof value === "function" ? (value as (...args: unknown[]) => unknown).bind(owner) : value;
}
