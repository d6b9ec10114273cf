import type { Key } from "../api/contract";
import { expiringSoonMs, formatExact, formatRelative } from "./format";

export type DisplayStatus = "active" | "expiring" | "expired" | "revoked";

export function displayStatus(key: Pick<Key, "status" | "expiresAt">, now: number): DisplayStatus {
  if (key.status === "revoked") return "revoked";
  if (key.status === "expired") return "expired";
  if (key.expiresAt && new Date(key.expiresAt).getTime() <= now) return "expired";
  if (key.expiresAt && new Date(key.expiresAt).getTime() - now <= expiringSoonMs) return "expiring";
  return "active";
}

const labels: Record<DisplayStatus, string> = { active: "Active", expiring: "Expiring soon", expired: "Expired", revoked: "Revoked" };

export function StatusBadge(props: {
  keyData: Pick<Key, "status" | "expiresAt" | "revokedAt" | "revokedReason"> & { problem?: Key["problem"] };
  now: number;
}) {
  const status = displayStatus(props.keyData, props.now);
  const k = props.keyData;
  let title = labels[status];
  if (status === "revoked" && k.revokedAt) title = `Revoked ${formatExact(k.revokedAt)}${k.revokedReason ? `\nReason: ${k.revokedReason}` : ""}`;
  else if (k.expiresAt && status !== "active") title = `${status === "expired" ? "Expired" : "Expires"} ${formatRelative(k.expiresAt, props.now)} (${formatExact(k.expiresAt)})`;
  const badge = (
    <span className={`badge status-${status}`} title={title}>
      {labels[status]}
    </span>
  );
  // The server never tries such a key at sign-in; say so whatever its status.
  if (!k.problem) return badge;
  return (
    <>
      {badge}{" "}
      <span className="badge status-unsafe" title={k.problem.message} data-problem={k.problem.code}>
        Unsafe key — refused
      </span>
    </>
  );
}
