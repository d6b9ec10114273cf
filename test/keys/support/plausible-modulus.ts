// RSA public keys without the cost of generating key pairs: a random odd number with no
// small factor passes every public-key check and costs a real RSA verification, which is
// all a test of limits or of verification cost needs (nobody can sign for it).
import { randomBytes } from "node:crypto";
import { sshMpint, sshString } from "../../../strategy/keys/wire.js";

const primesBelow2000 = (() => {
  const out: bigint[] = [];
  for (let n = 2; n < 2000; n++) if (out.every((p) => BigInt(n) % p !== 0n)) out.push(BigInt(n));
  return out;
})();

/** A random odd number of exactly `bits` bits with no prime factor below 2000. */
export function plausibleModulus(bits: number): Buffer {
  for (;;) {
    const n = randomBytes(Math.ceil(bits / 8));
    const spare = n.length * 8 - bits;
    n[0] = ((n[0] ?? 0) & (0xff >> spare)) | (0x80 >> spare);
    n[n.length - 1] = (n[n.length - 1] ?? 0) | 1;
    const value = BigInt(`0x${n.toString("hex")}`);
    if (primesBelow2000.every((p) => value % p !== 0n)) return n;
  }
}

/** An OpenSSH line for an RSA key with modulus `n` and e = 65537. */
export function rsaLine(n: Buffer, comment = "test"): string {
  return `ssh-rsa ${Buffer.concat([sshString("ssh-rsa"), sshMpint(Buffer.from([1, 0, 1])), sshMpint(n)]).toString("base64")} ${comment}`;
}
