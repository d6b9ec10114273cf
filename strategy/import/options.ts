import { z } from "zod";
import { parseOptions } from "../options/parse-options.js";

export interface KeyImportOptions {
  /** Where `gh:LOGIN` lists are read: `<githubUrl>/LOGIN.keys` (default https://github.com). */
  githubUrl?: string | undefined;
  /** Where `gitlab:LOGIN` lists are read: `<gitlabUrl>/LOGIN.keys` (default https://gitlab.com); `gitlab:HOST/LOGIN` reads https://HOST. */
  gitlabUrl?: string | undefined;
  /** A fetch slower than this fails, in milliseconds (default 10000). */
  timeoutMs?: number | undefined;
  /** Fetch plain http:// URLs on any host (default false: https only; http also on loopback when `allowPrivateAddresses` is set). */
  allowHttp?: boolean | undefined;
  /** Fetch from hosts that are not on the public internet (default false: an import URL could otherwise probe the server's network). */
  allowPrivateAddresses?: boolean | undefined;
}

const baseUrl = z
  .url({ protocol: /^https?$/ })
  .refine((text) => !/[?#]/.test(text), "a base URL has no query or fragment")
  .transform((text) => text.replace(/\/+$/, ""));

export const keyImportOptionsSchema = z.strictObject({
  githubUrl: baseUrl.optional(),
  gitlabUrl: baseUrl.optional(),
  timeoutMs: z.number().int().min(1).max(120_000).optional(),
  allowHttp: z.boolean().optional(),
  allowPrivateAddresses: z.boolean().optional(),
});

/** The key import options with every default applied. */
export interface KeyImportSettings {
  readonly githubUrl: string;
  readonly gitlabUrl: string;
  readonly timeoutMs: number;
  readonly allowHttp: boolean;
  readonly allowPrivateAddresses: boolean;
}

export function keyImportSettings(options: KeyImportOptions | undefined): KeyImportSettings {
  const o = parseOptions(keyImportOptionsSchema, options, "keyImport");
  return {
    githubUrl: o.githubUrl ?? "https://github.com",
    gitlabUrl: o.gitlabUrl ?? "https://gitlab.com",
    timeoutMs: o.timeoutMs ?? 10_000,
    allowHttp: o.allowHttp ?? false,
    allowPrivateAddresses: o.allowPrivateAddresses ?? false,
  };
}
