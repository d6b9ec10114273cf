// Formatting shared by every view: dates, relative times, sizes.
import { isSshKeyType, sshKeyType } from "../../../strategy/keys/algorithms.js";

const exact = new Intl.DateTimeFormat(undefined, {
  year: "numeric",
  month: "short",
  day: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZoneName: "short",
});
const relative = new Intl.RelativeTimeFormat(undefined, { numeric: "auto" });

const dayMs = 86_400_000;
/** A key is "expiring soon" when it has at most this long left. */
export const expiringSoonMs = 14 * dayMs;

export function formatExact(iso: string | Date): string {
  return exact.format(new Date(iso));
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * dayMs],
  ["month", 30 * dayMs],
  ["week", 7 * dayMs],
  ["day", dayMs],
  ["hour", 3_600_000],
  ["minute", 60_000],
];

/** "3 minutes ago", "in 2 days", "just now". */
export function formatRelative(iso: string | Date, now = Date.now()): string {
  const diff = new Date(iso).getTime() - now;
  const abs = Math.abs(diff);
  if (abs < 45_000) return diff <= 0 ? "just now" : "in a moment";
  for (const [unit, size] of units) {
    if (abs >= size || unit === "minute") return relative.format(Math.round(diff / size), unit);
  }
  return relative.format(Math.round(diff / 60_000), "minute");
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count.toLocaleString()} ${count === 1 ? one : many}`;
}

/** The short key type shown in tables: "ED25519", "ECDSA P-256", "RSA". */
export function keyTypeLabel(type: string): string {
  if (isSshKeyType(type)) return sshKeyType(type).label;
  if (type === "ssh-dss") return "DSA";
  return type;
}

const schemeLabels: Record<string, string> = { jwt: "JWT", sshauth: "sshauth", crtauth: "crtauth", sshsig: "SSHSIG", console: "Console sign-in" };

export function schemeLabel(scheme: string | null | undefined): string {
  if (!scheme) return "";
  return schemeLabels[scheme] ?? scheme;
}

/** `<input type="date">` value (local day) → ISO at the end of that day, local time. */
export function endOfDayIso(date: string): string {
  const [y, m, d] = date.split("-").map(Number);
  return new Date(y!, (m ?? 1) - 1, d ?? 1, 23, 59, 59).toISOString();
}

/** ISO → `<input type="date">` value in local time. */
export function toDateInput(iso: string | null): string {
  if (!iso) return "";
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}

/** `<input type="datetime-local">` value → ISO (UTC). */
export function localDateTimeToIso(value: string): string | undefined {
  if (!value) return undefined;
  const d = new Date(value);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

export function isoToLocalDateTime(iso: string | null | undefined): string {
  if (!iso) return "";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return "";
  const pad = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}
