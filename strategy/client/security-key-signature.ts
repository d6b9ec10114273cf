import { sshKeyType } from "../keys/algorithms.js";
import { prepareSshSignature, sshSignatureVerifies } from "../keys/ssh-signature.js";
import type { ParsedPublicKey } from "../keys/types.js";
import { SshReader } from "../keys/wire.js";
import { fidoApplication, fidoSignedData, readFidoAssertion } from "../schemes/sshsig/security-key.js";

/**
 * Does a security key's SSH signature, as the agent answers it (`string type, string
 * signature, byte flags, uint32 counter`), sign `data`? The authenticator signed its own
 * assertion over `data`, so it is checked with the server's reading of PROTOCOL.u2f.
 */
export function securityKeySignatureVerifies(key: ParsedPublicKey, data: Buffer, encoded: Buffer): boolean {
  try {
    const reader = new SshReader(encoded);
    const algorithm = reader.name();
    const signature = reader.string();
    const prepared = prepareSshSignature(key.type, algorithm, signature);
    if (typeof prepared === "string") return false;
    const assertion = readFidoAssertion(reader.raw(reader.remaining));
    return sshSignatureVerifies(fidoSignedData(fidoApplication(key.blob, sshKeyType(key.type)), assertion, data), key.keyObject, prepared);
  } catch {
    return false;
  }
}
