import { SSHSIG_TOKEN_PATH, SSHSIG_TOKEN_TYPE, SshsigTokenJson } from "../contract/sshsig-token.js";
import { SshKeyError } from "../errors.js";
import { tryKeysInTurn } from "./agent-key-choice.js";
import { serverRefusal, type ServerRefusal } from "./errors.js";
import type { Signer } from "./signer.js";
import { sshsigAuthorization, type SshsigAuthorizationOptions } from "./sshsig.js";

/** The exchange was refused (`status` and the server's error code when it answered one), or its answer was not a token. */
export class SshsigSessionError extends SshKeyError<"exchange_refused" | "exchange_protocol_error"> {
  override readonly name = "SshsigSessionError";
  constructor(
    code: "exchange_refused" | "exchange_protocol_error",
    message: string,
    readonly status?: number,
    /** The server's code and message when it refused the exchange. */
    readonly refusal?: ServerRefusal | null,
  ) {
    super(code, message);
  }
}

export interface SshsigSessionOptions extends Omit<SshsigAuthorizationOptions, "signer" | "url" | "method" | "body"> {
  /** The server: its origin's `/_sshsig/token` is asked. */
  url: string | URL;
  /** One key, or several tried in turn (an agent's): the first the server accepts gets the token. */
  signers: Signer | readonly Signer[];
  /** Hears of each key the server passed over (its refusal code). */
  onRefused?: ((signer: Signer, code: string) => void) | undefined;
  /** May move on past a key whose signature failed locally (an agent that refused it). */
  passOver?: ((signer: Signer, error: unknown) => boolean) | undefined;
}

export interface SshsigSession {
  /** `SSHSIG-Token <token>`: the Authorization value for every request until `expiresAt`. */
  authorization: string;
  token: string;
  expiresAt: Date;
  /** The key that signed the exchange. */
  signer: Signer;
}

/**
 * One SSHSIG signature (one touch of a security key) for a short-lived bearer token:
 * `POST /_sshsig/token`, signed like any SSHSIG request, answers the token the server then
 * accepts as `Authorization: SSHSIG-Token …` until it expires or the key is revoked.
 *
 * @example
 * const session = await sshsigSession({ signers: signer, username: "alice", url: "http://127.0.0.1:3000" });
 * await fetch("http://127.0.0.1:3000/whoami", { headers: { authorization: session.authorization } });
 */
export async function sshsigSession(options: SshsigSessionOptions): Promise<SshsigSession> {
  const { signers, onRefused, passOver, url: base, ...signing } = options;
  const url = new URL(SSHSIG_TOKEN_PATH, base);
  const { result: response, signer } = await tryKeysInTurn(
    Array.isArray(signers) ? signers : [signers as Signer],
    async (candidate): Promise<Response> => {
      const authorization = await sshsigAuthorization({ ...signing, signer: candidate, url, method: "POST" });
      return fetch(url, { method: "POST", headers: { authorization } });
    },
    { response: (r) => r, ...(onRefused && { onRefused }), ...(passOver && { passOver }) },
  );
  const body: unknown = await response.json().catch(() => null);
  if (!response.ok) {
    const refusal = serverRefusal(body);
    const reason = refusal === null ? "" : `: ${refusal.code}${refusal.message === "" ? "" : ` (${refusal.message})`}`;
    throw new SshsigSessionError("exchange_refused", `POST ${SSHSIG_TOKEN_PATH} refused: HTTP ${response.status}${reason}`, response.status, refusal);
  }
  const parsed = SshsigTokenJson.safeParse(body);
  if (!parsed.success) throw new SshsigSessionError("exchange_protocol_error", `POST ${SSHSIG_TOKEN_PATH} did not answer a token`, response.status);
  return {
    authorization: `${SSHSIG_TOKEN_TYPE} ${parsed.data.token}`,
    token: parsed.data.token,
    expiresAt: new Date(parsed.data.expiresAt),
    signer,
  };
}
