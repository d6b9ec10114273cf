import { keyOriginLabel } from "../../../strategy/core/key-origin.js";
import type { Key } from "../api/contract";

/** Where a key came from (Uploaded, gh:alice, gitlab:host/alice, a URL, LDAP), whatever set its origin. */
export function SourceBadge(props: { keyData: Pick<Key, "origin" | "originRef" | "sourceId"> }) {
  const { origin, originRef, sourceId } = props.keyData;
  const label = keyOriginLabel({ origin, originRef });
  const detached = origin === "import" && sourceId === null ? " (source removed: no longer synced)" : "";
  return (
    <span className={`source-pill source-${origin}`} title={`${origin === "upload" ? "Uploaded" : `From ${label}`}${detached}`} data-origin={origin}>
      {origin === "upload" ? "Uploaded" : label}
    </span>
  );
}
