// A Fastify app with the plugin on a given store, listening on a loopback port, answering
// /whoami (any method) with what the demo app's Express /whoami answers.
import Fastify, { type FastifyInstance, type FastifyServerOptions } from "fastify";
import type { AddressInfo } from "node:net";
import { fastifySshKey, type FastifySshKeyOptions } from "../../strategy/fastify/index.js";
import type { StoredUser } from "../../strategy/store/ports.js";

export interface FastifyTestApp {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** `setup` runs before listen, for routes and hooks of the test's own. */
export async function startFastifyApp(
  options: FastifySshKeyOptions,
  fastifyOptions: FastifyServerOptions = {},
  setup?: (app: FastifyInstance) => void,
): Promise<FastifyTestApp> {
  const app = Fastify(fastifyOptions);
  // Every body kept as bytes, as a route that binds credentials to the body must parse it.
  app.removeAllContentTypeParsers();
  app.addContentTypeParser("*", { parseAs: "buffer" }, (_request, body, done) => done(null, body));
  await app.register(fastifySshKey, options);
  app.all("/whoami", { preHandler: app.sshKey.authenticate() }, async (request) => {
    const user = request.sshKeyUser as StoredUser;
    return { username: user.username, scheme: request.sshKeyAuth!.scheme, fingerprint: request.sshKeyAuth!.fingerprint };
  });
  setup?.(app);
  await app.listen({ port: 0, host: "127.0.0.1" });
  const { port } = app.server.address() as AddressInfo;
  return { app, url: `http://127.0.0.1:${port}`, close: () => app.close() };
}
