// (b) and the scaling runs: the demo app (createDemoApp, /whoami behind SshKeyStrategy)
// on the Prisma store at BENCH_DATABASE_URL, default options, replay protection on.
import { SshKeyStrategy, createDemoApp, openPrismaStore, type SshKeyStrategyOptions } from "../../../strategy/index.js";
import { listenLoopback, runServer } from "./runtime.js";

runServer(async () => {
  const url = process.env.BENCH_DATABASE_URL;
  if (!url) throw new Error("BENCH_DATABASE_URL is required");
  const store = await openPrismaStore({ url });
  const options: SshKeyStrategyOptions & Record<string, unknown> = { store };
  if (process.env.BENCH_CRTAUTH_SECRET) options.crtauth = { secret: process.env.BENCH_CRTAUTH_SECRET };
  const strategy = new SshKeyStrategy(options);
  const app = createDemoApp({ strategy, log: () => {} });
  return { server: await listenLoopback(app), close: () => store.close() };
});
