import { SshKeyError } from "../errors.js";
/**
 * Errors raised on the client side (loading a key, talking to ssh-agent). Each carries a
 * stable `code` callers may switch on. Messages and `detail` never contain private key
 * material or passphrases: underlying library errors are reduced to their name/code and are
 * not attached as `cause`, because some of them echo the bytes they failed on.
 *
 * Programmer misuse (wrong argument types, an algorithm that does not fit the key) throws a
 * plain TypeError instead.
 */
export const clientKeyErrorCodes = [
  /** The key file could not be read (missing, permissions). */
  "key_unreadable",
  /** Not a private key in any format we read. */
  "invalid_key",
  /** A private key, but of a type or format we do not sign with (DSA, sk-*, PuTTY, X25519…). */
  "unsupported_key",
  /** The key is encrypted and no passphrase was given. */
  "passphrase_required",
  /** The key is encrypted and the passphrase did not decrypt it. */
  "bad_passphrase",
] as const;

export const agentErrorCodes = [
  /** No SSH_AUTH_SOCK, or nothing listening on it. */
  "agent_unavailable",
  /** The requested key (or any usable key) is not held by the agent. */
  "key_not_in_agent",
  /** The agent answered SSH_AGENT_FAILURE (key removed, confirmation refused, agent locked). */
  "agent_refused",
  /** The agent answered something we cannot use (malformed message, wrong signature type). */
  "agent_protocol_error",
  /** The agent did not answer within the timeout. */
  "agent_timeout",
] as const;

export type ClientKeyErrorCode = (typeof clientKeyErrorCodes)[number];
export type AgentErrorCode = (typeof agentErrorCodes)[number];
export type ClientErrorCode = ClientKeyErrorCode | AgentErrorCode;

/** Base class of every client-side error; `code` says what went wrong. */
export class ClientError extends SshKeyError<ClientErrorCode, Record<string, unknown>> {
  override readonly name: string = "ClientError";
  constructor(code: ClientErrorCode, message: string, detail?: Record<string, unknown>) {
    super(code, message, { detail });
  }
}

/** A private key could not be loaded. */
export class ClientKeyError extends ClientError {
  override readonly name = "ClientKeyError";
  declare readonly code: ClientKeyErrorCode;
  constructor(code: ClientKeyErrorCode, message: string, detail?: Record<string, unknown>) {
    super(code, message, detail);
  }
}

/** ssh-agent could not be reached or would not sign. */
export class AgentError extends ClientError {
  override readonly name = "AgentError";
  declare readonly code: AgentErrorCode;
  constructor(code: AgentErrorCode, message: string, detail?: Record<string, unknown>) {
    super(code, message, detail);
  }
}

export function isClientError(value: unknown): value is ClientError {
  return value instanceof ClientError;
}

/** Name/code of an underlying error, safe to show (never its message). */
export function errorTag(err: unknown): string {
  if (err && typeof err === "object") {
    const code = (err as { code?: unknown }).code;
    if (typeof code === "string") return code;
    const name = (err as { name?: unknown }).name;
    if (typeof name === "string") return name;
  }
  return "unknown";
}

/** A server's refusal, as its JSON error body (`{"error":{"code":…,"message":…}}`) states it. */
export interface ServerRefusal {
  readonly code: string;
  readonly message: string;
}

/** The refusal in a parsed JSON error body, or null when the body is not one. */
export function serverRefusal(body: unknown): ServerRefusal | null {
  const error = (body as { error?: { code?: unknown; message?: unknown } } | null)?.error;
  if (typeof error?.code !== "string") return null;
  return { code: error.code, message: typeof error.message === "string" ? error.message : "" };
}

/**
 * What a client tells its user beside a `clock_skew` refusal: the server's message already
 * says by how much and which way this machine's clock is off.
 */
export const clockSkewHint = "hint: check this machine's clock (`timedatectl`, or that NTP is running)";
