// (a) Baseline: the demo app's shape with no authentication at all.
import express from "express";
import { listenLoopback, runServer } from "./runtime.js";

runServer(async () => {
  const app = express();
  app.set("trust proxy", false);
  app.disable("x-powered-by");
  app.get("/whoami", (_req, res) => {
    res.json({ username: "alice", scheme: "none", fingerprint: "SHA256:-" });
  });
  app.use((_req, res) => {
    res.status(404).json({ error: { code: "not_found", message: "no such route" } });
  });
  return { server: await listenLoopback(app) };
});
