import type { Request } from "express";
import type { KeyCandidate, KeyStore, ReplayStore } from "../store/ports.js";

export type SchemeName = "jwt" | "crtauth" | "sshauth";

/** What a scheme needs from the strategy to verify one credential. */
export interface SchemeContext {
  req: Request;
  keys: KeyStore;
  replay: ReplayStore;
  /** Milliseconds since the epoch; injectable for tests. */
  now(): number;
  /** The options given to passport.authenticate() for this route (e.g. per-route request binding). */
  routeOptions: Readonly<Record<string, unknown>>;
  /** Username the scheme learnt before verification, for the event log (untrusted). */
  noteUntrustedUsername(username: string): void;
}

/** A credential that verified: the key that signed it and its owner. */
export interface Verified extends KeyCandidate {
  scheme: SchemeName;
}

/**
 * One wire format. A scheme claims credentials by the Authorization scheme word
 * (and, for shared words such as Bearer, by the credential's shape), verifies them
 * and throws AuthError on any refusal. It never throws anything else for bad input.
 */
export interface AuthScheme {
  readonly name: SchemeName;
  /** Does this scheme handle `Authorization: <word> <credential>`? `word` is lower-cased. */
  claims(word: string, credential: string): boolean;
  /** The WWW-Authenticate challenge for a failure, without error attributes. */
  readonly challenge: string;
  /** Failures are always 401 for this scheme (crtauth clients only retry on 401). */
  readonly alwaysUnauthorized?: boolean;
  verify(credential: string, ctx: SchemeContext): Promise<Verified>;
}
