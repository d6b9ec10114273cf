import type { FastifyRequest } from "fastify";
import type { RequestView } from "../core/request-view.js";
import { hasBody, unbindable } from "../http/body-fault.js";
import { NodeRequestView } from "../http/node-request-view.js";

/**
 * The request view of a Fastify request: the one place on the Fastify path that knows
 * Fastify's request. The client address and scheme are Fastify's own (`request.ip`,
 * `request.protocol`), so they follow the app's `trustProxy` as Express's follow "trust proxy".
 */
class FastifyRequestView extends NodeRequestView<FastifyRequest> {
  get target(): string {
    return this.source.originalUrl;
  }

  get scheme(): string {
    return this.source.protocol;
  }

  get clientAddress(): string | null {
    return this.source.ip ?? null;
  }

  /**
   * By preHandler time Fastify has read the body through the route's content-type parser, so
   * the exact bytes are there only when that parser kept them: a Buffer or string body
   * (`parseAs: "buffer"`), or `request.rawBody` (the fastify-raw-body convention).
   */
  body(maxBytes: number): Promise<Buffer | string> {
    const request = this.source as FastifyRequest & { rawBody?: unknown };
    const bytes = [request.body, request.rawBody].find((value): value is Buffer | string => Buffer.isBuffer(value) || typeof value === "string");
    if (bytes !== undefined) {
      if (Buffer.byteLength(bytes) > maxBytes) return Promise.reject(unbindable("too_large", `the body is larger than ${maxBytes} bytes`));
      return Promise.resolve(bytes);
    }
    if (!hasBody(request.headers)) return Promise.resolve(Buffer.alloc(0));
    return Promise.reject(
      unbindable(
        "parsed",
        'its body was parsed before authentication; parse this route\'s body as bytes (addContentTypeParser with parseAs: "buffer") so the exact bytes stay available',
      ),
    );
  }
}

export function fromFastifyRequest(request: FastifyRequest): RequestView {
  return new FastifyRequestView(request);
}
