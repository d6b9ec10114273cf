/**
 * A small ssh-agent protocol client (draft-miller-ssh-agent): uint32-length-prefixed
 * messages over the agent's unix socket, one answer per request, in order.
 *
 * Why not sshpk-agent: its `Client#sign` hard-codes the `rsa-sha2-256` flag, so it cannot
 * produce the SHA-512 RSA signatures RS512 JWTs need, nor the plain `ssh-rsa` (SHA-1) ones
 * crtauth needs. It also has no types and drags in a second sshpk. The two requests we need
 * are a few dozen lines.
 */
import net from "node:net";
import { AgentError, errorTag } from "./errors.js";
import { SshReader, sshString, sshUint32 } from "../keys/wire.js";

const SSH_AGENT_FAILURE = 5;
const SSH_AGENTC_REQUEST_IDENTITIES = 11;
const SSH_AGENT_IDENTITIES_ANSWER = 12;
const SSH_AGENTC_SIGN_REQUEST = 13;
const SSH_AGENT_SIGN_RESPONSE = 14;

/** Agents refuse larger messages (OpenSSH: 256 KiB); we do the same for answers. */
const MAX_MESSAGE = 256 * 1024;

export interface AgentIdentity {
  blob: Buffer;
  comment: string;
}

export interface AgentConnectionOptions {
  socketPath?: string | undefined;
  /** Per-request timeout; an agent may wait for the user to confirm (ssh-add -c). Default 60 s. */
  timeoutMs?: number | undefined;
}

interface Pending {
  resolve: (msg: Buffer) => void;
  reject: (err: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * One connection to the agent, opened lazily and reopened after it drops. The socket is
 * unref'd while idle, so a forgotten `close()` does not keep the process alive.
 */
export class AgentConnection {
  readonly socketPath: string;
  private readonly timeoutMs: number;
  private socket: net.Socket | null = null;
  private connecting: Promise<net.Socket> | null = null;
  private buffered: Buffer = Buffer.alloc(0);
  private readonly pending: Pending[] = [];
  private closed = false;

  constructor(options: AgentConnectionOptions = {}) {
    const socketPath = options.socketPath ?? process.env["SSH_AUTH_SOCK"];
    if (!socketPath) {
      throw new AgentError("agent_unavailable", "no ssh-agent: SSH_AUTH_SOCK is not set and no socketPath was given");
    }
    this.socketPath = socketPath;
    this.timeoutMs = options.timeoutMs ?? 60_000;
  }

  async requestIdentities(): Promise<AgentIdentity[]> {
    const answer = await this.request(Buffer.from([SSH_AGENTC_REQUEST_IDENTITIES]));
    return parse(() => {
      const r = new SshReader(answer);
      const type = r.byte();
      if (type === SSH_AGENT_FAILURE) throw new AgentError("agent_refused", "the agent refused to list its keys");
      if (type !== SSH_AGENT_IDENTITIES_ANSWER) throw unexpected(type, "identities request");
      const n = r.uint32();
      const ids: AgentIdentity[] = [];
      for (let i = 0; i < n; i++) ids.push({ blob: Buffer.from(r.string()), comment: r.text() });
      return ids;
    });
  }

  /**
   * The SSH signature (string algorithm, string blob) split in two, and whole in `encoded`
   * with whatever follows the blob (a security key's flags and counter).
   */
  async sign(keyBlob: Buffer, data: Buffer, flags: number): Promise<{ algorithm: string; blob: Buffer; encoded: Buffer }> {
    const msg = Buffer.concat([Buffer.from([SSH_AGENTC_SIGN_REQUEST]), sshString(keyBlob), sshString(data), sshUint32(flags)]);
    const answer = await this.request(msg);
    return parse(() => {
      const r = new SshReader(answer);
      const type = r.byte();
      if (type === SSH_AGENT_FAILURE) {
        throw new AgentError("agent_refused", "the agent refused to sign (key removed, confirmation denied, or agent locked)");
      }
      if (type !== SSH_AGENT_SIGN_RESPONSE) throw unexpected(type, "sign request");
      const encoded = Buffer.from(r.string());
      const sig = new SshReader(encoded);
      const algorithm = sig.text();
      const blob = Buffer.from(sig.string());
      return { algorithm, blob, encoded };
    });
  }

  close(): void {
    this.closed = true;
    this.failAll(new AgentError("agent_unavailable", "agent connection closed"));
    this.socket?.destroy();
    this.socket = null;
  }

  private async request(msg: Buffer): Promise<Buffer> {
    if (this.closed) throw new Error("agent signer is closed");
    const socket = await this.connect();
    return new Promise<Buffer>((resolve, reject) => {
      const timer = setTimeout(() => {
        // Answers are matched by order, so after a timeout the stream cannot be trusted.
        const err = new AgentError("agent_timeout", `ssh-agent did not answer within ${this.timeoutMs} ms`);
        this.drop(err);
      }, this.timeoutMs);
      this.pending.push({ resolve, reject, timer });
      socket.ref();
      socket.write(sshString(msg));
    });
  }

  private connect(): Promise<net.Socket> {
    if (this.socket) return Promise.resolve(this.socket);
    if (this.connecting) return this.connecting;
    this.connecting = new Promise<net.Socket>((resolve, reject) => {
      const socket = net.createConnection({ path: this.socketPath });
      const onConnectError = (err: Error) => {
        this.connecting = null;
        reject(
          new AgentError("agent_unavailable", `cannot connect to ssh-agent at ${this.socketPath} (${errorTag(err)})`, {
            socketPath: this.socketPath,
            error: errorTag(err),
          }),
        );
      };
      socket.once("error", onConnectError);
      socket.once("connect", () => {
        socket.off("error", onConnectError);
        this.connecting = null;
        if (this.closed) {
          socket.destroy();
          reject(new Error("agent signer is closed"));
          return;
        }
        this.socket = socket;
        this.buffered = Buffer.alloc(0);
        socket.unref();
        // Handlers of a dropped socket must not touch its successor.
        socket.on("data", (chunk: Buffer) => {
          if (this.socket === socket) this.onData(chunk);
        });
        socket.on("error", (err) => {
          if (this.socket === socket) {
            this.drop(new AgentError("agent_unavailable", `ssh-agent connection failed (${errorTag(err)})`));
          }
        });
        socket.on("close", () => {
          if (this.socket === socket) this.drop(new AgentError("agent_unavailable", "ssh-agent closed the connection"));
        });
        resolve(socket);
      });
    });
    return this.connecting;
  }

  private onData(chunk: Buffer): void {
    this.buffered = this.buffered.length ? Buffer.concat([this.buffered, chunk]) : chunk;
    while (this.buffered.length >= 4) {
      const frame = new SshReader(this.buffered);
      const len = frame.uint32();
      if (len > MAX_MESSAGE || len === 0) {
        this.drop(new AgentError("agent_protocol_error", `ssh-agent sent a message of ${len} bytes`));
        return;
      }
      if (frame.remaining < len) return;
      const msg = frame.raw(len);
      this.buffered = this.buffered.subarray(4 + len);
      const p = this.pending.shift();
      if (!p) {
        this.drop(new AgentError("agent_protocol_error", "ssh-agent sent an unrequested message"));
        return;
      }
      clearTimeout(p.timer);
      p.resolve(Buffer.from(msg));
    }
    if (this.pending.length === 0) this.socket?.unref();
  }

  /** Forget the socket (the next request reconnects) and fail whatever was waiting. */
  private drop(err: Error): void {
    const socket = this.socket;
    this.socket = null;
    this.buffered = Buffer.alloc(0);
    socket?.destroy();
    this.failAll(err);
  }

  private failAll(err: Error): void {
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(err);
    }
  }
}

function unexpected(type: number, what: string): AgentError {
  return new AgentError("agent_protocol_error", `unexpected ssh-agent message type ${type} in answer to ${what}`);
}

function parse<T>(fn: () => T): T {
  try {
    return fn();
  } catch (err) {
    if (err instanceof AgentError) throw err;
    throw new AgentError("agent_protocol_error", `malformed ssh-agent answer (${errorTag(err)})`);
  }
}
