// The one fetch wrapper: same-origin cookie session, the CSRF header on every mutating call,
// and `{"error":{code,message}}` bodies turned into ApiError.
import { basePath } from "../shared/base-path";
import type { AdminErrorCode } from "./contract";

const apiBase = `${basePath}/api`;

/** A refusal from the API (or the network), with the API's stable error code. */
export class ApiError extends Error {
  override readonly name = "ApiError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
  /** The session is gone (a disabled user's is ended as it is refused): the app should show the signed-out screen. */
  get signedOut(): boolean {
    return this.status === 401 || this.code === ("user_disabled" satisfies AdminErrorCode);
  }
}

let csrfToken: string | null = null;
const signedOutListeners = new Set<(error: ApiError) => void>();

/** Kept in memory only (never localStorage); GET /api/me hands it out again after a reload. */
export function setCsrfToken(token: string | null): void {
  csrfToken = token;
}

/** Called when any request finds the session gone, so the whole app can switch to the sign-in screen. */
export function onSignedOut(listener: (error: ApiError) => void): () => void {
  signedOutListeners.add(listener);
  return () => signedOutListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null && value !== "") params.set(name, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T>(method: string, path: string, body?: unknown, signal?: AbortSignal): Promise<T> {
  const headers: Record<string, string> = { accept: "application/json" };
  if (method !== "GET" && method !== "HEAD") {
    if (csrfToken) headers["x-csrf-token"] = csrfToken;
  }
  if (body !== undefined) headers["content-type"] = "application/json";
  let response: Response;
  try {
    response = await fetch(`${apiBase}${path}`, {
      method,
      headers,
      body: body === undefined ? null : JSON.stringify(body),
      credentials: "same-origin",
      cache: "no-store",
      signal: signal ?? null,
    });
  } catch (error) {
    if ((error as Error).name === "AbortError") throw error;
    throw new ApiError(0, "network_error", "The server cannot be reached. Check your connection and try again.");
  }
  const text = await response.text();
  let json: unknown = undefined;
  if (text) {
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
  }
  if (!response.ok) {
    const error = (json as { error?: { code?: unknown; message?: unknown } } | undefined)?.error;
    const { code, message, ...details } = (error ?? {}) as Record<string, unknown>;
    const failure = new ApiError(
      response.status,
      typeof code === "string" ? code : `http_${response.status}`,
      typeof message === "string" ? message : `The server answered ${response.status} ${response.statusText}`.trim(),
      details,
    );
    if (failure.signedOut) for (const listener of signedOutListeners) listener(failure);
    throw failure;
  }
  return json as T;
}
