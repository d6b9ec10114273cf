import { CopyButton } from "./CopyButton";

/** A fingerprint in monospace, breakable on narrow screens, with a copy button. */
export function Fingerprint(props: { value: string; label?: string; compact?: boolean }) {
  return (
    <span className={`fingerprint ${props.compact ? "compact" : ""}`}>
      <code title={props.value}>{props.value}</code>
      <CopyButton text={props.value} label={`Copy ${props.label ?? "fingerprint"}`} />
    </span>
  );
}
