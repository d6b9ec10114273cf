import { keyStateLabels, keyStatus, type KeyStatus } from "../../../strategy/core/key-state.js";
import type { Key } from "../api/contract";
import { expiringSoonMs, formatExact, formatRelative } from "./format";

/** A key's state as the server decided it, and an active one re-read against the page's clock; "expiring" is the console's own warning. */
type DisplayStatus = KeyStatus | "expiring";

function displayStatus(key: Pick<Key, "status" | "revokedAt" | "expiresAt">, now: number): DisplayStatus {
  const status = key.status === "active" ? keyStatus(key, now) : key.status;
  if (status === "active" && key.expiresAt && Date.parse(key.expiresAt) - now <= expiringSoonMs) return "expiring";
  return status;
}

const capitalized = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

const labels: Record<DisplayStatus, string> = {
  active: capitalized(keyStateLabels.active),
  revoked: capitalized(keyStateLabels.revoked),
  expired: capitalized(keyStateLabels.expired),
  unverified: capitalized(keyStateLabels.unverified),
  expiring: "Expiring soon",
};

export function StatusBadge(props: {
  keyData: Pick<Key, "status" | "expiresAt" | "revokedAt" | "revokedReason"> & {
    problem?: Key["problem"] | undefined;
    policyBreaks?: Key["policyBreaks"] | undefined;
  };
  now: number;
}) {
  const status = displayStatus(props.keyData, props.now);
  const k = props.keyData;
  let title = labels[status];
  if (status === "unverified") title = "Imported: it signs in once its owner proves holding it (Verify)";
  else if (status === "revoked" && k.revokedAt) title = `Revoked ${formatExact(k.revokedAt)}${k.revokedReason ? `\nReason: ${k.revokedReason}` : ""}`;
  else if (k.expiresAt && status !== "active")
    title = `${status === "expired" ? "Expired" : "Expires"} ${formatRelative(k.expiresAt, props.now)} (${formatExact(k.expiresAt)})`;
  const stateBadge = (
    <span className={`badge status-${status}`} title={title}>
      {labels[status]}
    </span>
  );
  const breaks = k.policyBreaks ?? [];
  // Refused at sign-in (key_policy) or flagged: say which rule, not only that one is broken.
  const badge =
    breaks.length === 0 ? (
      stateBadge
    ) : (
      <>
        {stateBadge}{" "}
        <span className="badge status-policy" title={breaks.join("\n")} data-policy-breaks={breaks.length}>
          Breaks policy
        </span>
        <span className="sub policy-break">{breaks.join("; ")}</span>
      </>
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
