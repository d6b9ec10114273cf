import { KeyFormatError } from "./errors.js";

/**
 * A real RSA modulus is the product of two large primes, so it is odd and has no small
 * factor. Neither OpenSSL nor sshpk checks this for a public key, and a random odd
 * number passed off as a modulus still costs a full verification on every try; trial
 * division by the primes below 2000 refuses most such numbers (about 85 % of random
 * odd ones) for a few microseconds, once per key.
 */
const smallPrimes: readonly bigint[] = (() => {
  const limit = 2000;
  const composite = new Uint8Array(limit);
  const primes: bigint[] = [];
  for (let i = 2; i < limit; i++) {
    if (composite[i]) continue;
    primes.push(BigInt(i));
    for (let j = i * i; j < limit; j += i) composite[j] = 1;
  }
  return primes;
})();

/** Refuses an even modulus or one with a prime factor below 2000. */
export function checkRsaModulus(n: Buffer): void {
  const last = n[n.length - 1];
  if (last === undefined || (last & 1) === 0) throw new KeyFormatError("malformed_key", "The RSA modulus is invalid.");
  const value = BigInt(`0x${n.toString("hex")}`);
  for (const prime of smallPrimes) {
    if (value % prime === 0n) {
      throw new KeyFormatError("weak_key", "The RSA modulus has a small factor, so it is not a real RSA key.");
    }
  }
}
