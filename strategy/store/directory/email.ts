import { DirectoryError } from "../ports.js";

// The address is put in an SMTP envelope and a To: header: anything beyond the plain
// dot-atom form (quoted local parts, comments, IP literals) is refused rather than escaped.
const localPart = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$/;
const domainLabel = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** A mail address as stored: `local@domain` with the domain lower-cased; DirectoryError("invalid") otherwise. */
export function checkEmail(address: string): string {
  const at = address.lastIndexOf("@");
  const local = address.slice(0, at);
  const labels = address.slice(at + 1).split(".");
  const valid =
    address.length <= 254 &&
    at > 0 &&
    local.length <= 64 &&
    localPart.test(local) &&
    labels.length >= 2 &&
    labels.every((label) => domainLabel.test(label)) &&
    !/^[0-9]+$/.test(labels.at(-1)!);
  if (!valid) throw new DirectoryError("invalid", "not an e-mail address (expected name@example.com)");
  return `${local}@${labels.join(".").toLowerCase()}`;
}
