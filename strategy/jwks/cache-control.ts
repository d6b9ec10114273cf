/**
 * How long a response may be kept by its Cache-Control (RFC 9111 §5.2.2): `no-store` and
 * `no-cache` as 0, `max-age=N` as N seconds, otherwise (absent, unreadable) `fallbackMs`.
 */
export function maxAgeMs(cacheControl: string | null, fallbackMs: number): number {
  if (cacheControl === null) return fallbackMs;
  let maxAge: number | null = null;
  for (const directive of cacheControl.toLowerCase().split(",")) {
    const [name, value] = directive.trim().split("=", 2) as [string, string | undefined];
    if (name === "no-store" || name === "no-cache") return 0;
    if (name === "max-age" && value !== undefined && /^"?\d{1,10}"?$/.test(value)) maxAge = Number(value.replaceAll('"', "")) * 1000;
  }
  return maxAge ?? fallbackMs;
}
