import type { Key } from "../api/contract";
import { keyTypeLabel } from "./format";

/** One line that names a key in confirmations: comment, type, fingerprint. */
export function KeySummary(props: { keyData: Pick<Key, "comment" | "type" | "bits" | "fingerprintSha256" | "username"> }) {
  const k = props.keyData;
  return (
    <div className="key-summary">
      <strong>{k.comment || <span className="muted">(no name)</span>}</strong>
      <span className="muted">
        {" "}
        · {keyTypeLabel(k.type)} {k.bits} bits · {k.username}
      </span>
      <code className="mono block">{k.fingerprintSha256}</code>
    </div>
  );
}
