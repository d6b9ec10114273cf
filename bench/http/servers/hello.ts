// (a) Baseline: the demo app's shape with no authentication at all.
import { listenLoopback, runServer, whoamiApp } from "./runtime.js";

runServer(async () => ({ server: await listenLoopback(whoamiApp("none")) }));
