/** Protocol constants of crtauth, with upstream's names (server.py / CrtAuthServer.java) in comments. */

/** Every v1 message starts with this version number. */
export const PROTOCOL_VERSION = 1;

/** Second field of every v1 message (ASCII q, c, r, t). */
export const MAGIC = {
  request: 0x71,
  challenge: 0x63,
  response: 0x72,
  token: 0x74,
} as const;

/** CLOCK_FUDGE: a challenge or token is valid from `now - 2 s`. */
export const CLOCK_FUDGE_S = 2;
/** RESP_TIMEOUT / RESPONSE_TIMEOUT: a challenge is valid until `now + 20 s`. */
export const RESPONSE_TIMEOUT_S = 20;
/** Default token lifetime (both upstream servers). */
export const DEFAULT_TOKEN_LIFETIME_S = 60;
/**
 * MAX_TOKEN_LIFETIME / MAX_VALIDITY: both upstream validators refuse a token whose
 * `valid_to - valid_from` exceeds 600. As `valid_from = now - 2`, the longest lifetime
 * a server can issue and still have accepted is 598 s.
 */
export const MAX_TOKEN_VALIDITY_S = 600;
export const MAX_TOKEN_LIFETIME_S = MAX_TOKEN_VALIDITY_S - CLOCK_FUDGE_S;

export const UNIQUE_DATA_LENGTH = 20;
export const FINGERPRINT_LENGTH = 6;
/** HMAC-SHA256 of v1 challenges and tokens. */
export const HMAC_LENGTH = 32;
/** HMAC-SHA1 of v0 messages. */
export const LEGACY_DIGEST_LENGTH = 20;

/** The spec's limit: usernames of at most 64 characters. */
export const MAX_USERNAME_CHARS = 64;
/** Python's server-name limit (characters; the name is ASCII). */
export const MAX_SERVER_NAME_LENGTH = 255;

/** Caps applied while decoding hostile input. */
export const LIMITS = {
  /** Characters of base64 text in one message (a 16384-bit RSA response is about 3.3k). */
  messageText: 8192,
  /** Bytes of a username field (64 characters of at most 4 UTF-8 bytes). */
  usernameBytes: 256,
  serverNameBytes: MAX_SERVER_NAME_LENGTH,
  /** Bytes of an RSA signature (16384-bit modulus). */
  signature: 2048,
  /** Bytes of a challenge echoed inside a response. */
  challenge: 1024,
} as const;
