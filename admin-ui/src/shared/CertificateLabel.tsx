import type { AuthEvent } from "../api/contract";

/**
 * "via certificate <key id> (serial N) from CA <name>": what an attempt with an OpenSSH
 * certificate used, as far as the server read it (an untrusted or removed CA has no name).
 */
export function CertificateLabel(props: { certificate: NonNullable<AuthEvent["certificate"]> }) {
  const c = props.certificate;
  const ca = c.caName ?? (c.caId ? "(removed)" : "(not trusted)");
  return (
    <span className="certificate-label" title={c.principal ? `Signed in as principal ${c.principal}` : undefined}>
      via certificate <code>{c.keyId ?? "?"}</code>
      {c.serial !== null ? ` (serial ${c.serial})` : ""} from CA <strong>{ca}</strong>
    </span>
  );
}
