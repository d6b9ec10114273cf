// The floors under the CLI targets: `node --input-type=module -e` programs (run with cwd = the repo
// root, so commander and the drivers resolve) doing only the work their command cannot avoid.
import { publishableOwnersQuery } from "../../strategy/store/sql/published-keys.js";

const script = (lines: string[]) => ["--input-type=module", "-e", lines.join(" ")];

const parseTokenJwt = (action: string) => [
  'import { Command } from "commander";',
  'const program = new Command("floor");',
  `program.command("token").command("jwt").requiredOption("--key <path>").requiredOption("--user <name>").action(${action});`,
  'await program.parseAsync(process.argv.slice(1), { from: "user" });',
];

/**
 * The floor under `token jwt`: node's start, the ESM loader and commander parsing the same
 * arguments into the same subcommand, and one line printed — what any commander-based CLI pays.
 */
export const commanderFloor = script(parseTokenJwt('() => process.stdout.write("JWT floor\\n")'));

/**
 * commanderFloor plus the signing any such signer does: read a PKCS#8 Ed25519 key file, derive
 * the kid (SHA-256 of the SPKI PEM), build the asymmetric-jwt-auth token (header, username, time,
 * nonce) and sign it.
 */
export const tokenFloor = script([
  'import crypto from "node:crypto";',
  'import { readFile } from "node:fs/promises";',
  'const b64 = (value) => Buffer.from(JSON.stringify(value)).toString("base64url");',
  ...parseTokenJwt(
    [
      "async (options) => {",
      "const key = crypto.createPrivateKey(await readFile(options.key));",
      'const kid = crypto.hash("sha256", crypto.createPublicKey(key).export({ type: "spki", format: "pem" }), "hex");',
      'const nonce = crypto.randomBytes(8).toString("base64url");',
      'const input = `${b64({ alg: "EdDSA", kid, typ: "JWT" })}.${b64({ username: options.user, time: Math.floor(Date.now() / 1000), nonce })}`;',
      'process.stdout.write(`JWT ${input}.${crypto.sign(null, Buffer.from(input, "ascii"), key).toString("base64url")}\\n`);',
      "}",
    ].join(" "),
  ),
]);

const printRows = "for (const row of rows) process.stdout.write(`${row.openssh}\\n`);";

/**
 * The floor under `authorized-keys USER`: node, the driver and the same one query on DATABASE_URL,
 * the keys printed; no commander, no key parsing.
 */
export function driverFloor(db: "sqlite" | "postgresql"): string[] {
  if (db === "sqlite") {
    return script([
      'import Database from "better-sqlite3";',
      'const db = new Database(process.env.DATABASE_URL.replace(/^file:/, ""), { readonly: true, fileMustExist: true });',
      `const rows = db.prepare(${JSON.stringify(publishableOwnersQuery(true, (column) => column, "?"))}).all(process.argv[1]);`,
      "db.close();",
      printRows,
    ]);
  }
  return script([
    'import pg from "pg";',
    "const client = new pg.Client({ connectionString: process.env.DATABASE_URL });",
    "await client.connect();",
    `const { rows } = await client.query(${JSON.stringify(publishableOwnersQuery(true, (column) => `${column} AT TIME ZONE 'UTC'`, "$1"))}, [process.argv[1]]);`,
    "await client.end();",
    printRows,
  ]);
}
