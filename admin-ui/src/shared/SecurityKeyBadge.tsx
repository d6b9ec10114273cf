import type { Key } from "../api/contract";

/** A FIDO security key's badge, with what each of its signatures needs (touch, PIN); nothing for plain keys. */
export function SecurityKeyBadge(props: { securityKey: Pick<NonNullable<Key["securityKey"]>, "application" | "touchRequired" | "verifyRequired"> | null }) {
  const sk = props.securityKey;
  if (!sk) return null;
  const needs = [sk.touchRequired ? "touch" : null, sk.verifyRequired ? "PIN" : null].filter((x): x is string => x !== null);
  const title = `Hardware security key (FIDO) for ${sk.application}: ${needs.length ? `every sign-in needs ${needs.join(" and ")}` : "signs without a touch (no-touch-required)"}`;
  return (
    <span className="security-key" data-security-key={sk.application}>
      <span className="badge security-key-badge" title={title}>
        Security key
      </span>
      {needs.map((need) => (
        <span key={need} className="badge security-key-needs" data-needs={need}>
          {need}
        </span>
      ))}
      {sk.touchRequired ? null : (
        <span className="badge security-key-needs" data-needs="no-touch">
          no touch
        </span>
      )}
    </span>
  );
}
