// Children run TypeScript through tsx, pinned to the server core, and talk over IPC.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { pinnedCommand } from "./pin.js";

const repoRoot = path.resolve(import.meta.dirname, "../..");

export interface ChildMessage {
  type: string;
  [field: string]: unknown;
}

export interface ChildHandle {
  readonly process: ChildProcess;
  readonly pid: number;
  send(message: ChildMessage): void;
  /** The next message of `type` (rejects if the child exits first or errors). */
  next<T extends ChildMessage = ChildMessage>(type: string, timeoutMs?: number): Promise<T>;
  request<T extends ChildMessage = ChildMessage>(message: ChildMessage, replyType: string, timeoutMs?: number): Promise<T>;
  /** Last lines the child wrote to stderr, for error reports. */
  output(): string;
  stop(): Promise<void>;
}

export function spawnChild(file: string, args: readonly string[] = [], env: NodeJS.ProcessEnv = {}, options: { pin?: boolean } = {}): ChildHandle {
  const node = [process.execPath, "--import", "tsx", path.resolve(repoRoot, file), ...args];
  const { command, args: argv } = options.pin === false ? { command: node[0]!, args: node.slice(1) } : pinnedCommand(node);
  const child = spawn(command, argv, {
    cwd: repoRoot,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe", "ipc"],
  });
  let tail = "";
  const keep = (chunk: Buffer) => {
    tail = (tail + chunk.toString("utf8")).slice(-4000);
  };
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  const inbox: ChildMessage[] = [];
  const waiters: { type: string; resolve: (m: ChildMessage) => void; reject: (e: Error) => void }[] = [];
  let exited: Error | null = null;
  const deliver = (message: ChildMessage) => {
    if (message.type === "fatal") {
      const error = new Error(`${file}: ${String(message.message)}`);
      for (const w of waiters.splice(0)) w.reject(error);
      exited = error;
      return;
    }
    const index = waiters.findIndex((w) => w.type === message.type);
    if (index >= 0) waiters.splice(index, 1)[0]!.resolve(message);
    else inbox.push(message);
  };
  child.on("message", (m) => deliver(m as ChildMessage));
  // A send racing the child's exit (EPIPE) is not an error worth crashing the run for.
  child.on("error", () => {});
  child.on("exit", (code, signal) => {
    exited ??= new Error(`${file} exited (code ${code}, signal ${signal}): ${tail.trim().split("\n").slice(-8).join("\n")}`);
    for (const w of waiters.splice(0)) w.reject(exited);
  });

  const next = <T extends ChildMessage>(type: string, timeoutMs = 120_000): Promise<T> => {
    const index = inbox.findIndex((m) => m.type === type);
    if (index >= 0) return Promise.resolve(inbox.splice(index, 1)[0] as T);
    if (exited) return Promise.reject(exited);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${file}: no ${type} message within ${timeoutMs} ms`)), timeoutMs);
      waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
    });
  };

  return {
    process: child,
    pid: child.pid ?? -1,
    send: (message) => safeSend(child, message),
    next,
    request(message, replyType, timeoutMs) {
      const reply = next(replyType, timeoutMs);
      safeSend(child, message);
      return reply as never;
    },
    output: () => tail,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const gone = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      safeSend(child, { type: "shutdown" });
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await gone;
      clearTimeout(timer);
    },
  };
}

function safeSend(child: ChildProcess, message: ChildMessage): void {
  if (!child.connected) return;
  try {
    child.send(message, () => {});
  } catch {
    // The child is exiting.
  }
}

/** Child side: send a message to the parent (no-op when run standalone). */
export function tellParent(message: ChildMessage): void {
  if (process.send) process.send(message);
}

/** Child side: report a fatal error to the parent and exit. */
export function failChild(error: unknown): void {
  const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
  console.error(message);
  if (process.send) process.send({ type: "fatal", message }, () => process.exit(1));
  else process.exit(1);
}
