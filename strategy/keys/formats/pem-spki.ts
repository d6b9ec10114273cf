import type { KeyFormat } from "./format.js";
import { importDer, pemBody } from "./pem.js";

const label = "PUBLIC KEY";

/** X.509 SubjectPublicKeyInfo, as `openssl pkey -pubout` and `ssh-keygen -e -m PKCS8` write it. */
export const pemSpki: KeyFormat = {
  name: "pem_spki",
  sniff: (text) => text.startsWith(`-----BEGIN ${label}-----`),
  parse: (text) => ({ keyObject: importDer(pemBody(text, label), "spki"), comment: "" }),
  serialize: (key) => String(key.keyObject.export({ format: "pem", type: "spki" })),
};
