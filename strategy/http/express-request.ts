import type { Request } from "express";
import type { RequestView } from "../core/request-view.js";
import { readExpressBody } from "./express-body.js";

/**
 * The request view of an Express request: the one place on the verification path that
 * knows Express. Fields are read when asked for (getters on the prototype), so building
 * one per request costs one small object.
 */
class ExpressRequestView implements RequestView {
  constructor(readonly source: Request) {}

  get method(): string {
    return this.source.method;
  }

  get target(): string {
    return this.source.originalUrl ?? this.source.url;
  }

  get host(): string {
    const headers = this.source.headers;
    const authority = headers.host ?? headers[":authority"];
    return typeof authority === "string" ? authority : "";
  }

  get scheme(): string {
    return this.source.protocol;
  }

  header(name: string): string | undefined {
    const value = this.source.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  get clientAddress(): string | null {
    return this.source.ip ?? null;
  }

  // Headers rather than Express's req.get(): passport-compatible hosts (@fastify/passport) hand
  // the strategy requests that are not Express requests.
  get userAgent(): string | null {
    return this.header("user-agent") ?? null;
  }

  body(maxBytes: number): Promise<Buffer | string> {
    return readExpressBody(this.source, maxBytes);
  }
}

export function fromExpressRequest(req: Request): RequestView {
  return new ExpressRequestView(req);
}
