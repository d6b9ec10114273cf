import type { Request } from "express";
import { z } from "zod";
import { parseOptions } from "../../options/parse-options.js";
import { DEFAULT_MAGIC, normalizeMagic, type SshauthAction } from "./signed-message.js";

export interface SshauthSchemeOptions {
  /** 8-byte application prefix both sides sign with (default upstream's "byo.e.m."; choose your own). */
  magic?: string | undefined;
  /** Accepted |now − timestamp| in whole seconds, inclusive (upstream's max_skew_seconds; default 60). */
  clockToleranceSeconds?: number | undefined;
  /** @deprecated The old name of `clockToleranceSeconds`, still accepted; `clockToleranceSeconds` wins when both are set. */
  maxSkewSeconds?: number | undefined;
  /** Accept each signed message once per key (default true). */
  replayProtection?: boolean | undefined;
  /**
   * Require the v1 request binding (binding.ts: method, path+query, host, body digest) on
   * every route (default false: plain, unbound sshauth tokens interoperate). A route can
   * override it with `passport.authenticate("sshkey", { sshauthBinding: true | false })`.
   */
  bindRequests?: boolean | undefined;
  /** Host to bind instead of the Host header, for a proxy that rewrites Host (e.g. "api.example.com"). */
  bindingHost?: string | undefined;
  /** Largest body the strategy reads itself for binding when no body parser ran (default 1 MiB). */
  maxBindingBodyBytes?: number | undefined;
  /**
   * The action list the token must have signed, computed by the application per request
   * (it gets the framework's own request object). Overrides `bindRequests` and the route
   * option: for a convention of your own, or tests.
   */
  actions?: ((req: Request) => readonly SshauthAction[] | Promise<readonly SshauthAction[]>) | undefined;
  /** Claim `Authorization: Bearer <token>` for credentials without a "." (default true). */
  bearer?: boolean | undefined;
  realm?: string | undefined;
}

/** Default cap on a body the strategy reads itself for request binding. */
const DEFAULT_MAX_BINDING_BODY_BYTES = 1024 * 1024;

const wholeSeconds = z.number().int().min(0);

export const sshauthOptionsSchema = z.strictObject({
  magic: z.string().optional(),
  clockToleranceSeconds: wholeSeconds.optional(),
  maxSkewSeconds: wholeSeconds.optional(),
  replayProtection: z.boolean().optional(),
  bindRequests: z.boolean().optional(),
  bindingHost: z.string().optional(),
  maxBindingBodyBytes: z.number().int().min(0).optional(),
  actions: z.custom<NonNullable<SshauthSchemeOptions["actions"]>>((value) => typeof value === "function", "must be a function").optional(),
  bearer: z.boolean().optional(),
  realm: z.string().optional(),
});

/** The sshauth options with every default applied. */
export interface SshauthSettings {
  readonly magic: Buffer;
  readonly maxSkewSeconds: number;
  readonly replayProtection: boolean;
  readonly bindRequests: boolean;
  readonly bindingHost: string | undefined;
  readonly maxBindingBodyBytes: number;
  readonly actions: SshauthSchemeOptions["actions"];
  readonly bearer: boolean;
  readonly realm: string;
}

export function sshauthSettings(options: SshauthSchemeOptions | undefined, where = "sshauth scheme"): SshauthSettings {
  const o = parseOptions(sshauthOptionsSchema, options, where);
  let magic: Buffer;
  try {
    magic = normalizeMagic(o.magic ?? DEFAULT_MAGIC);
  } catch (error) {
    throw new TypeError(`${where}: option "magic": ${(error as Error).message}`);
  }
  return {
    magic,
    maxSkewSeconds: o.clockToleranceSeconds ?? o.maxSkewSeconds ?? 60,
    replayProtection: o.replayProtection ?? true,
    bindRequests: o.bindRequests ?? false,
    bindingHost: o.bindingHost,
    maxBindingBodyBytes: o.maxBindingBodyBytes ?? DEFAULT_MAX_BINDING_BODY_BYTES,
    actions: o.actions,
    bearer: o.bearer ?? true,
    realm: o.realm ?? "passport-sshkey",
  };
}
