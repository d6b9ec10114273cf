export { KeyFormatError, isKeyFormatError, keyProblemCodes } from "./errors.js";
export type { KeyFormatErrorOptions, KeyFormatName, KeyProblemCode } from "./errors.js";
export { parseKeyPaste, parsePublicKey, parsePublicKeyBlob, publicKeyFromKeyObject, storedKeyProblem } from "./parse.js";
export { serializePublicKey } from "./serialize.js";
export type { KeyTextFormat } from "./serialize.js";
export { crtauthFingerprint, fingerprintMd5, fingerprintSha256, keyId } from "./fingerprint.js";
export { defaultRsaMaxBits, keyLimits, keyTypeRules } from "./policy.js";
export type { KeyPolicyOptions, KeyTypeRule } from "./policy.js";
export type { EcCurve, KeyPasteEntry, ParsedPublicKey, SshKeyType } from "./types.js";
