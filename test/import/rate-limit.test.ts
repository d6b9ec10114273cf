import { describe, expect, it } from "vitest";
import { rateLimitedUntil } from "../../strategy/import/rate-limit.js";

const now = Date.parse("2026-06-01T00:00:00Z");
const at = (headers: Record<string, string | string[]>, status = 429) => rateLimitedUntil(status, headers, now)?.getTime() ?? null;

describe("upstream rate limits", () => {
  it("reads GitHub's and GitLab's answers", () => {
    expect(at({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(now / 1000 + 600) }, 403)).toBe(now + 600_000);
    expect(at({ "retry-after": "120" })).toBe(now + 120_000);
    expect(at({ "retry-after": "30" }, 403)).toBe(now + 30_000);
    expect(at({ "retry-after": new Date(now + 90_000).toUTCString() })).toBe(now + 90_000);
    expect(at({ "ratelimit-reset": String(now / 1000 + 45) })).toBe(now + 45_000);
    expect(at({ "ratelimit-reset": "45" })).toBe(now + 45_000);
    expect(at({ "retry-after": ["15", "999"] })).toBe(now + 15_000);
  });

  it("is no rate limit for other answers: a 403 without its headers, a 404, a 500, a 200", () => {
    expect(at({}, 403)).toBeNull();
    expect(at({ "x-ratelimit-remaining": "5" }, 403)).toBeNull();
    for (const status of [200, 404, 500, 503]) expect(at({ "retry-after": "10" }, status)).toBeNull();
  });

  it("waits a minute when it is not told how long, and never less than a second or more than a day", () => {
    expect(at({})).toBe(now + 60_000);
    for (const bogus of ["soon", "-5", "1e9", "", "99999999999999", "Thu, 99 Foo"]) expect(at({ "retry-after": bogus }), bogus).toBe(now + 60_000);
    expect(at({ "retry-after": "0" })).toBe(now + 1000);
    expect(at({ "retry-after": new Date(now - 3600_000).toUTCString() })).toBe(now + 1000);
    expect(at({ "retry-after": String(30 * 24 * 3600) })).toBe(now + 24 * 3600_000);
    expect(at({ "x-ratelimit-remaining": "0", "x-ratelimit-reset": "99999999999" }, 403)).toBe(now + 24 * 3600_000);
  });
});
