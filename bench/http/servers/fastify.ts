// (j)–(l) Fastify: `hello` is /whoami with no authentication, the Fastify counterpart of (a);
// `sshkey` is the passport-sshkey/fastify plugin's preHandler on /whoami, on the Prisma store at
// BENCH_DATABASE_URL with default options (replay protection on), as the demo app's (b) and (e).
import Fastify, { type FastifyInstance } from "fastify";
import { openPrismaStore, type StoredUser } from "../../../strategy/index.js";
import { fastifySshKey, type FastifySshKeyOptions } from "../../../strategy/fastify/index.js";
import { runServer } from "./runtime.js";

function notFound(app: FastifyInstance): void {
  app.setNotFoundHandler((_request, reply) => reply.code(404).send({ error: { code: "not_found", message: "no such route" } }));
}

runServer(async () => {
  const app = Fastify();
  notFound(app);
  let close: (() => Promise<void>) | undefined;
  if (process.argv[2] === "sshkey") {
    const url = process.env.BENCH_DATABASE_URL;
    if (!url) throw new Error("BENCH_DATABASE_URL is required");
    const store = await openPrismaStore({ url });
    const options: FastifySshKeyOptions = { store };
    if (process.env.BENCH_CRTAUTH_SECRET) options.crtauth = { secret: process.env.BENCH_CRTAUTH_SECRET };
    await app.register(fastifySshKey, options);
    app.get("/whoami", { preHandler: app.sshKey.authenticate() }, async (request) => ({
      username: (request.sshKeyUser as StoredUser).username,
      scheme: request.sshKeyAuth!.scheme,
      fingerprint: request.sshKeyAuth!.fingerprint,
    }));
    close = () => store.close();
  } else {
    app.get("/whoami", async () => ({ username: "alice", scheme: "none", fingerprint: "SHA256:-" }));
  }
  await app.listen({ port: 0, host: "127.0.0.1" });
  return { server: app.server, close: async () => (await app.close(), await close?.()) };
});
