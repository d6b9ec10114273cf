import http from "node:http";
import type { AddressInfo } from "node:net";

/** What the fake answers for one path: a key list (or any text), a status, headers, a delay, a body that never ends. */
export interface ForgeAnswer {
  body?: string | Buffer;
  status?: number;
  headers?: Record<string, string>;
  delayMs?: number;
  /** Send the first bytes, then stall (a slow body). */
  stall?: boolean;
}

export interface FakeForge {
  /** http://127.0.0.1:PORT: GITHUB_URL / GITLAB_URL for the code under test. */
  url: string;
  /** Answers by path ("/alice.keys"); any other path is a 404, as GitHub answers an unknown login. */
  answers: Map<string, ForgeAnswer>;
  /** Paths requested so far, in order. */
  requests: string[];
  close(): Promise<void>;
}

/** GitHub's answer when the rate limit is spent: 403, no requests left, a reset time (Unix seconds). */
export function githubRateLimited(resetAtMs: number): ForgeAnswer {
  return {
    status: 403,
    body: '{"message":"API rate limit exceeded"}',
    headers: { "x-ratelimit-limit": "60", "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(Math.ceil(resetAtMs / 1000)) },
  };
}

/** GitLab's: 429 with Retry-After in seconds. */
export function gitlabRateLimited(seconds: number): ForgeAnswer {
  return { status: 429, body: "Retry later\n", headers: { "retry-after": String(seconds), "ratelimit-remaining": "0" } };
}

/** A loopback server playing GitHub and GitLab's `/<login>.keys` (one key per line, text/plain). */
export async function startFakeForge(): Promise<FakeForge> {
  const state: FakeForge = { url: "", answers: new Map(), requests: [], close: async () => {} };
  const server = http.createServer((req, res) => {
    const path = new URL(req.url ?? "/", "http://x").pathname;
    state.requests.push(path);
    const answer = state.answers.get(path) ?? { status: 404, body: "Not Found" };
    setTimeout(() => {
      if (res.destroyed) return;
      res.writeHead(answer.status ?? 200, { "content-type": "text/plain; charset=utf-8", ...answer.headers });
      if (answer.stall) res.write((answer.body ?? "").slice(0, 10));
      else res.end(answer.body ?? "");
    }, answer.delayMs ?? 0);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.close = async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  };
  return state;
}
