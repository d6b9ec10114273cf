import type { Request } from "express";
import type { RequestView } from "../core/request-view.js";
import { readExpressBody } from "./express-body.js";
import { NodeRequestView } from "./node-request-view.js";

/**
 * The request view of an Express request: the one place on the verification path that
 * knows Express. Fields are read when asked for (getters on the prototype), so building
 * one per request costs one small object.
 */
class ExpressRequestView extends NodeRequestView<Request> {
  get target(): string {
    return this.source.originalUrl ?? this.source.url;
  }

  get scheme(): string {
    return this.source.protocol;
  }

  get clientAddress(): string | null {
    return this.source.ip ?? null;
  }

  body(maxBytes: number): Promise<Buffer | string> {
    return readExpressBody(this.source, maxBytes);
  }
}

export function fromExpressRequest(req: Request): RequestView {
  return new ExpressRequestView(req);
}
