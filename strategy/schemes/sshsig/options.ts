import type { Request } from "express";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import type { FidoPolicy } from "./security-key.js";

export interface SshsigSchemeOptions {
  /** The namespace clients sign with (`ssh-keygen -Y sign -n …`; default "http@passport-sshkey"). */
  namespace?: string | undefined;
  /** Accepted |now − time| in whole seconds, inclusive (default 60). */
  clockToleranceSeconds?: number | undefined;
  /** The same as `clockToleranceSeconds`, the spec's name; `clockToleranceSeconds` wins when both are set. */
  maxSkewSeconds?: number | undefined;
  /** Accept each (username, time, nonce) once (default true). */
  replayProtection?: boolean | undefined;
  /** Host to compare instead of the Host header, behind a proxy that rewrites Host. */
  bindingHost?: string | undefined;
  /**
   * The target (path and query) the client signed, behind a proxy that rewrites the path,
   * computed from the framework's request like sshauth's `actions` (default: the target as
   * received). Behind a proxy that strips `/api`: `(req) => "/api" + req.originalUrl`.
   */
  bindingTarget?: ((req: Request) => string | Promise<string>) | undefined;
  /** Largest body the strategy reads itself when no body parser ran (default 1 MiB). */
  maxBodyBytes?: number | undefined;
  realm?: string | undefined;
  /** Security keys: every signature must carry the user-verified (PIN) flag, whatever the key's options (default false). */
  requireUserVerification?: boolean | undefined;
  /** Security keys: a signature counter that did not advance is an alarm event ("alarm", the default) or also a refusal ("refuse"). */
  signCounterRegression?: "alarm" | "refuse" | undefined;
}

const wholeSeconds = z.number().int().min(0);

export const sshsigOptionsSchema = z.strictObject({
  namespace: z.string().min(1).optional(),
  clockToleranceSeconds: wholeSeconds.optional(),
  maxSkewSeconds: wholeSeconds.optional(),
  replayProtection: z.boolean().optional(),
  bindingHost: z.string().optional(),
  bindingTarget: z.custom<NonNullable<SshsigSchemeOptions["bindingTarget"]>>((value) => typeof value === "function", "must be a function").optional(),
  maxBodyBytes: z.number().int().min(0).optional(),
  realm: z.string().optional(),
  requireUserVerification: z.boolean().optional(),
  signCounterRegression: z.enum(["alarm", "refuse"]).optional(),
});

export interface SshsigSettings {
  readonly namespace: string;
  readonly maxSkewSeconds: number;
  readonly replayProtection: boolean;
  readonly bindingHost: string | undefined;
  readonly bindingTarget: SshsigSchemeOptions["bindingTarget"];
  readonly maxBodyBytes: number;
  readonly realm: string;
  readonly fido: FidoPolicy;
}

export function sshsigSettings(options: SshsigSchemeOptions | undefined): SshsigSettings {
  const o = parseOptions(sshsigOptionsSchema, options, "sshsig scheme");
  return {
    namespace: o.namespace ?? "http@passport-sshkey",
    maxSkewSeconds: o.clockToleranceSeconds ?? o.maxSkewSeconds ?? 60,
    replayProtection: o.replayProtection ?? true,
    bindingHost: o.bindingHost,
    bindingTarget: o.bindingTarget,
    maxBodyBytes: o.maxBodyBytes ?? 1024 * 1024,
    realm: o.realm ?? "passport-sshkey",
    fido: { requireUserVerification: o.requireUserVerification ?? false, signCounterRegression: o.signCounterRegression ?? "alarm" },
  };
}
