import type { Command } from "commander";
import { createJwtAuthorization } from "../../client/index.js";
import { addSignerOptions, signerFrom, type SignerOptions } from "../signer-options.js";

export function registerTokenCommands(program: Command): void {
  const token = program.command("token").description("print an Authorization header value");
  addSignerOptions(token.command("jwt").description("an asymmetric-jwt-auth JWT (Authorization: JWT …)")).action(
    async (opts: SignerOptions) => {
      const signer = await signerFrom(opts);
      try {
        process.stdout.write(`${await createJwtAuthorization({ signer, username: opts.user })}\n`);
      } finally {
        signer.close();
      }
    },
  );
}
