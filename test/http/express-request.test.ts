// The Express request view: what the pipeline sees of a request, read through a real Express app.
import type { AddressInfo } from "node:net";
import express from "express";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fromExpressRequest } from "../../strategy/http/express-request.js";
import { isAuthError } from "../../strategy/errors.js";

describe("fromExpressRequest", () => {
  let url: string;
  let close: () => Promise<void>;

  beforeAll(async () => {
    const app = express();
    app.set("trust proxy", true);
    app.post("/parsed", express.json(), async (req, res) => {
      const body = await fromExpressRequest(req)
        .body(1024)
        .catch((error: unknown) => (isAuthError(error) ? error.code : "other"));
      res.json({ body });
    });
    app.use("/mounted", async (req, res) => {
      const view = fromExpressRequest(req);
      const body = await view.body(16).then(
        (b) => Buffer.from(b).toString("utf8"),
        (error: unknown) => (isAuthError(error) ? error.code : "other"),
      );
      // A parser after authentication finds the body already read, and does not wait for it.
      res.json({
        method: view.method,
        target: view.target,
        host: view.host,
        ip: view.clientAddress,
        ua: view.userAgent,
        custom: view.header("x-custom") ?? null,
        body,
        again: String(req.body),
      });
    });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    close = () => new Promise((resolve) => server.close(() => resolve()));
  });
  afterAll(() => close?.());

  it("gives the target as received (before mounting), the Host, the proxied client address and the raw body", async () => {
    const r = await fetch(`${url}/mounted/a?b=1`, {
      method: "PUT",
      body: "hello",
      headers: { "x-forwarded-for": "203.0.113.9", "user-agent": "view-test", "x-custom": "v" },
    });
    expect(await r.json()).toEqual({
      method: "PUT",
      target: "/mounted/a?b=1",
      host: url.slice("http://".length),
      ip: "203.0.113.9",
      ua: "view-test",
      custom: "v",
      body: "hello",
      again: "hello",
    });
  });

  it("refuses a body larger than asked for, and one a parser already consumed", async () => {
    const big = await fetch(`${url}/mounted`, { method: "POST", body: "x".repeat(17) });
    expect(((await big.json()) as { body: string }).body).toBe("binding_mismatch");
    const parsed = await fetch(`${url}/parsed`, { method: "POST", body: "{}", headers: { "content-type": "application/json" } });
    expect(((await parsed.json()) as { body: string }).body).toBe("binding_mismatch");
  });
});
