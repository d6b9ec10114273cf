import { readFile } from "node:fs/promises";
import { decodeCertificate } from "../keys/certificate.js";
import { ClientKeyError, errorTag } from "./errors.js";
import { expandHome } from "./home-path.js";
import type { ClientSigner } from "./signature.js";
import type { Signer } from "./signer.js";

/** A path to a `-cert.pub` file, or its text. */
export type CertificateSource = string | { text: string | Buffer };
interface Certified {
  readonly certificate: Buffer;
}

/** An OpenSSH certificate as read from its file: the wire blob, and the plain key it certifies. */
export interface OpenSshCertificate {
  readonly blob: Buffer;
  readonly subjectKey: Buffer;
}

/** Reads a `-cert.pub` (path or text). Throws ClientKeyError `key_unreadable`, `invalid_key`. */
export async function readCertificate(source: CertificateSource): Promise<OpenSshCertificate> {
  const origin = typeof source === "string" ? { path: source } : {};
  let text: string;
  try {
    text = typeof source === "string" ? await readFile(expandHome(source), "utf8") : source.text.toString();
  } catch (err) {
    throw new ClientKeyError("key_unreadable", `cannot read certificate ${String(source)} (${errorTag(err)})`, { ...origin, error: errorTag(err) });
  }
  const [type = "", base64 = ""] = text.trim().split(/\s+/);
  const blob = Buffer.from(base64, "base64");
  // The server's own decoder (keys/certificate.ts): it reads sk-* certificates too, which sshpk cannot.
  let subjectKey: Buffer;
  try {
    const certificate = decodeCertificate(blob);
    if (certificate.certType !== type) throw new TypeError("the line's type is not the certificate's");
    subjectKey = certificate.keyBlob;
  } catch (err) {
    throw new ClientKeyError("invalid_key", "not an OpenSSH certificate (a *-cert-v01@openssh.com line, as ssh-keygen -s writes)", {
      ...origin,
      error: errorTag(err),
    });
  }
  return { blob, subjectKey };
}

/** The signer carrying `certificate`, which must certify its key (else ClientKeyError `invalid_key`). */
export function certify(signer: ClientSigner, certificate: OpenSshCertificate): ClientSigner & Certified;
export function certify(signer: Signer, certificate: OpenSshCertificate): Signer & Certified;
export function certify(signer: Signer, certificate: OpenSshCertificate): Signer & Certified {
  if (!certificate.subjectKey.equals(signer.publicKey.blob)) {
    throw new ClientKeyError("invalid_key", `the certificate is for another key, not ${signer.publicKey.fingerprintSha256}`);
  }
  // Keep what a ClientSigner also says about itself (where the key lives, its RSA hashes).
  const { source, rsaHashes } = signer as Partial<ClientSigner>;
  return {
    ...(source === undefined ? {} : { source, rsaHashes }),
    publicKey: signer.publicKey,
    certificate: certificate.blob,
    sign: (data, options) => signer.sign(data, options),
    close: () => signer.close(),
  };
}

/**
 * The signer, now carrying an OpenSSH user certificate of its key (`id_ed25519-cert.pub`, as
 * `ssh-keygen -s` writes it): SSHSIG then names the certificate instead of the bare key.
 * Never picked up beside the key file on its own: `ssh-keygen -Y sign` does not either.
 *
 * Throws ClientKeyError: `key_unreadable`, `invalid_key` (not a certificate, or one of another key).
 */
export async function withCertificate(signer: ClientSigner, certificate: CertificateSource): Promise<ClientSigner & Certified>;
export async function withCertificate(signer: Signer, certificate: CertificateSource): Promise<Signer & Certified>;
export async function withCertificate(signer: Signer, certificate: CertificateSource): Promise<Signer & Certified> {
  return certify(signer, await readCertificate(certificate));
}
