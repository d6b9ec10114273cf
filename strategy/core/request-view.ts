/** Why a body's exact bytes are not available: a parser turned it into something else, it is over the cap, or the stream failed. */
export type BodyFault = "parsed" | "too_large" | "unreadable";

/**
 * What the verification pipeline knows of an HTTP request. An adapter (the passport strategy,
 * a Fastify hook, a fetch handler) builds one per request; nothing below it sees the
 * framework's own request object.
 */
export interface RequestView {
  readonly method: string;
  /** Path and query exactly as received (Express's originalUrl). */
  readonly target: string;
  /** The Host header (or HTTP/2 :authority), or "" when absent. */
  readonly host: string;
  /**
   * "http" or "https" as the adapter resolved it (Express: `req.protocol`, which reads
   * X-Forwarded-Proto only under `trust proxy`); absent when the adapter cannot tell.
   */
  readonly scheme?: string | undefined;
  /** A header by lower-case name; the first value when it was sent more than once. */
  header(name: string): string | undefined;
  /** The client's address as the adapter resolved it (trust proxy applied), or null. */
  readonly clientAddress: string | null;
  readonly userAgent: string | null;
  /**
   * The raw body bytes, read at most once and at most `maxBytes`. Refuses with AuthError
   * `binding_mismatch` when the exact bytes are not available, its `detail.body` (a BodyFault)
   * saying why, so a codec can name the fault in its own terms.
   */
  body(maxBytes: number): Promise<Buffer | string>;
  /**
   * The adapter's own request object, handed untouched to application callbacks that asked
   * for it (sshauth's `actions(req)`); the pipeline and the codecs never look inside.
   */
  readonly source: unknown;
}
