import type { KeyFormat } from "./format.js";
import { importDer, pemBody } from "./pem.js";

const label = "RSA PUBLIC KEY";

/** PKCS#1 RSAPublicKey, as `ssh-keygen -e -m PEM` writes RSA keys. */
export const pemPkcs1: KeyFormat = {
  name: "pem_pkcs1",
  sniff: (text) => text.startsWith(`-----BEGIN ${label}-----`),
  parse: (text) => ({ keyObject: importDer(pemBody(text, label), "pkcs1"), comment: "" }),
  serialize(key) {
    if (key.type !== "ssh-rsa") throw new TypeError("PKCS#1 can only hold RSA keys");
    return String(key.keyObject.export({ format: "pem", type: "pkcs1" }));
  },
};
