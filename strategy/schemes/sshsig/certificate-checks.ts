import { clockRefusal } from "../../core/clock-skew.js";
import { AuthError } from "../../errors.js";
import { addressListAllows } from "../../keys/address-match.js";
import { userCertificate, type OpenSshCertificate } from "../../keys/certificate.js";
import type { KeyCandidate, PrincipalMap, StoredKey } from "../../store/ports.js";

/** Critical options this server understands; any other one refuses the certificate (PROTOCOL.certkeys). */
const understoodOptions: ReadonlySet<string> = new Set(["source-address", "verify-required"]);

function refusal(code: ConstructorParameters<typeof AuthError>[0], message: string, signer: KeyCandidate): AuthError {
  return new AuthError(code, message, { detail: { userId: signer.user.id } });
}

/** Whether the certificate names `username` the way the CA's mapping reads it. */
function namesUser(cert: OpenSshCertificate, map: PrincipalMap, username: string): boolean {
  if (map === "username") return cert.principals.includes(username);
  if (map === "key-id") return cert.keyId === username;
  return cert.extensions.get(map.slice("extension:".length)) === username;
}

/**
 * What a certificate whose CA signature and request signature verified must still satisfy
 * to sign in `signer.user` at `nowSeconds` from `clientAddress`: not revoked, a user
 * certificate, inside its validity window (± `toleranceSeconds`), only critical options we
 * enforce, and a principal the CA's mapping reads as the username.
 */
export function checkCertificate(
  cert: OpenSshCertificate,
  signer: KeyCandidate,
  at: { nowSeconds: number; toleranceSeconds: number; clientAddress: string | null },
): void {
  const certifiedBy = signer.key.certifiedBy!;
  if (certifiedBy.revoked) throw refusal("certificate_revoked", `the certificate or its CA ${certifiedBy.authority.name} has been revoked`, signer);
  if (cert.type !== userCertificate) throw refusal("certificate_not_user", `the certificate is of type ${cert.type}, not a user certificate`, signer);
  const now = BigInt(at.nowSeconds);
  const tolerance = BigInt(at.toleranceSeconds);
  const nowMs = at.nowSeconds * 1000;
  const allowed = at.toleranceSeconds;
  if (now + tolerance < cert.validAfter) {
    const offsetSeconds = Number(cert.validAfter - now);
    throw clockRefusal(
      "certificate_not_yet_valid",
      { subject: "certificate valid-after", offsetSeconds, nowMs, allowed: { ahead: allowed } },
      { userId: signer.user.id },
    );
  }
  if (now - tolerance >= cert.validBefore) {
    const offsetSeconds = Number(cert.validBefore - now);
    throw clockRefusal(
      "certificate_expired",
      { subject: "certificate valid-before", offsetSeconds, nowMs, allowed: { behind: allowed } },
      { userId: signer.user.id },
    );
  }
  for (const [name, value] of cert.criticalOptions) {
    if (!understoodOptions.has(name))
      throw refusal("certificate_option_unsupported", `the certificate's critical option ${JSON.stringify(name)} is not supported`, signer);
    if (name === "source-address") {
      const allowed = addressListAllows(value, at.clientAddress);
      if (allowed === null) throw refusal("certificate_source_address", "the certificate's source-address is malformed", signer);
      if (!allowed) throw refusal("certificate_source_address", "the certificate's source-address does not include the client's address", signer);
    }
  }
  if (!namesUser(cert, certifiedBy.authority.principalMap, signer.user.username)) {
    throw refusal(
      "certificate_principal_mismatch",
      `the certificate does not name ${signer.user.username} (CA ${certifiedBy.authority.name} maps ${certifiedBy.authority.principalMap})`,
      signer,
    );
  }
}

/** The flag rules for a certified security key: its certificate's `no-touch-required` extension and `verify-required` option. */
export function certifiedKeyFlags(cert: OpenSshCertificate, key: StoredKey): StoredKey {
  return { ...key, touchRequired: !cert.extensions.has("no-touch-required"), verifyRequired: cert.criticalOptions.has("verify-required") };
}
