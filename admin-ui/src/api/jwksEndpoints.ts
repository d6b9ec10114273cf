import { api } from "./client";
import type { JwksAddBody, JwksEndpoint } from "./contract";

/** The JWKS URLs of `username` (the signed-in user's own unless an admin names another). */
export const getJwksEndpoints = (username: string, signal?: AbortSignal) =>
  api<{ endpoints: JwksEndpoint[] }>("GET", `/jwks?user=${encodeURIComponent(username)}`, undefined, signal);

export const addJwksEndpoint = (body: JwksAddBody) => api<{ endpoint: JwksEndpoint }>("POST", "/jwks", body);

export const removeJwksEndpoint = (username: string, url: string) =>
  api<{ deleted: true; url: string }>("DELETE", `/jwks?user=${encodeURIComponent(username)}&url=${encodeURIComponent(url)}`);
