import { Router, type Response } from "express";
import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";
import { usernameProblem } from "../store/directory/usernames.js";
import type { KeyStore } from "../store/ports.js";
import { activeKeys, publishableOwner } from "./active-keys.js";
import { keysFileLine } from "./lines.js";

/** The part of a store the key list reads (a PrismaStore, a memory store or the strategy's store fits). */
export interface PublishedKeysRouterStore {
  keys: Pick<KeyStore, "findByUsername">;
}

export interface PublishedKeysRouterOptions {
  store: PublishedKeysRouterStore | Promise<PublishedKeysRouterStore> | (() => Promise<PublishedKeysRouterStore>);
  /** Milliseconds since the epoch; for tests. */
  now?: (() => number) | undefined;
}

const routerOptionsSchema = z.strictObject({
  store: z.custom<PublishedKeysRouterOptions["store"]>(
    (value) => (typeof value === "object" && value !== null) || typeof value === "function",
    "must be a store, a promise of one or a function returning one",
  ),
  now: z.custom<() => number>((value) => typeof value === "function", "must be a function").optional(),
});

const keysPath = /^\/([^/]+)\.keys$/;
// One body for an unknown user, a disabled one and a name no user can have: which it was is not told.
const NOT_FOUND = "Not Found\n";

function answer(res: Response, status: number, body: string): void {
  // Revocation must be felt on the next fetch: nothing may keep the list.
  res.status(status).set({ "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" }).send(body);
}

/**
 * Express router answering `GET /<username>.keys` (mount it at the app's root), as GitHub
 * publishes `https://github.com/<user>.keys`: the user's active keys (by the key-state table:
 * not revoked, not expired, owner enabled), one `type base64` line each, oldest first, as
 * `text/plain; charset=utf-8` with `Cache-Control: no-store`. A user without active keys
 * answers 200 with an empty body; an unknown or disabled user, or a name the username rules
 * refuse, 404 with one body. Known and unknown users are both looked up, so the answer takes
 * as long either way. A path that does not decode is 400.
 *
 * @example
 * app.use(createPublishedKeysRouter({ store }));   // curl https://keys.example.com/alice.keys >> ~/.ssh/authorized_keys
 */
export function createPublishedKeysRouter(options: PublishedKeysRouterOptions): Router {
  const o = parseOptions(routerOptionsSchema, options, "createPublishedKeysRouter");
  const now = o.now ?? Date.now;
  let storePromise: Promise<PublishedKeysRouterStore> | null = null;
  const store = () => (storePromise ??= typeof o.store === "function" ? o.store() : Promise.resolve(o.store));

  const list = async (res: Response, encoded: string): Promise<void> => {
    let username: string;
    try {
      username = decodeURIComponent(encoded);
    } catch {
      return answer(res, 400, "Bad Request: the path is not valid percent-encoding\n");
    }
    if (usernameProblem(username) !== null) return answer(res, 404, NOT_FOUND);
    const owner = await publishableOwner((await store()).keys, username);
    const keys = owner ? activeKeys(owner, now()) : [];
    if (!owner || owner.disabled) return answer(res, 404, NOT_FOUND);
    answer(res, 200, keys.map((key) => `${keysFileLine(key)}\n`).join(""));
  };

  const router = Router();
  router.use((req, res, next) => {
    const match = req.method === "GET" || req.method === "HEAD" ? keysPath.exec(req.path) : null;
    if (!match) return next();
    list(res, match[1]!).catch(next);
  });
  return router;
}
