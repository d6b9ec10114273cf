import type { IncomingHttpHeaders } from "node:http";
import type { RequestView } from "../core/request-view.js";

/**
 * What every adapter's request view reads the same way from a Node request's headers and
 * method; the framework's own parts (target, scheme, client address, body) are the subclass's.
 */
export abstract class NodeRequestView<Source extends { readonly method: string; readonly headers: IncomingHttpHeaders }> implements RequestView {
  constructor(readonly source: Source) {}

  abstract readonly target: string;
  abstract readonly scheme: string;
  abstract readonly clientAddress: string | null;
  abstract body(maxBytes: number): Promise<Buffer | string>;

  get method(): string {
    return this.source.method;
  }

  get host(): string {
    const headers = this.source.headers;
    const authority = headers.host ?? headers[":authority"];
    return typeof authority === "string" ? authority : "";
  }

  header(name: string): string | undefined {
    const value = this.source.headers[name];
    return Array.isArray(value) ? value[0] : value;
  }

  // Headers rather than a framework's getter: passport-compatible hosts (@fastify/passport) hand
  // the strategy requests that are not Express requests.
  get userAgent(): string | null {
    return this.header("user-agent") ?? null;
  }
}
