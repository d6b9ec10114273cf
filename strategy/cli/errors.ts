import { clockSkewHint, type ServerRefusal } from "../client/errors.js";

/** A failure the CLI reports as one line and a non-zero exit, without a stack trace. */
export class CliError extends Error {
  override readonly name = "CliError";
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** A URL argument or option, or a CliError saying it is not one. */
export function urlArgument(text: string): URL {
  try {
    return new URL(text);
  } catch {
    throw new CliError(`not a URL: ${text}`);
  }
}

/** A server's refusal as the CLI reports it: `code: message`, and for clock_skew a line on checking this machine's clock. */
export function describeRefusal(refusal: ServerRefusal): string {
  const line = refusal.message === "" ? refusal.code : `${refusal.code}: ${refusal.message}`;
  return refusal.code === "clock_skew" ? `${line}\n${clockSkewHint}` : line;
}
