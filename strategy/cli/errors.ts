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
