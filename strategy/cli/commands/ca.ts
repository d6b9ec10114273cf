import path from "node:path";
import type { Command } from "commander";
import { certificateSerial } from "../../contract/requests.js";
import { isKeyFormatError } from "../../keys/errors.js";
import { decodeKrl, maxKrlBytes } from "../../keys/krl.js";
import { parsePublicKey } from "../../keys/parse.js";
import { principalMapOf } from "../../store/authorities/rules.js";
import type { CertificateRevocationMatch } from "../../store/ports.js";
import { CliError } from "../errors.js";
import { importKrl, krlSourceName } from "../krl-import.js";
import { printJson, printTable } from "../output.js";
import { readCappedFile } from "../read-capped-file.js";
import { withStore } from "../store.js";
import { authorityRemoved, authorityRevoked, authorityTrusted, certificatesRevoked } from "../../audit/targets.js";
import { recordCliChanges } from "../audit.js";
import { readKeyText } from "./keys.js";

function readPublicKey(file: string, policy: Parameters<typeof parsePublicKey>[1]) {
  const text = readKeyText(file);
  try {
    return parsePublicKey(text, policy);
  } catch (error) {
    if (isKeyFormatError(error)) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

/** A decimal uint64, as `ssh-keygen -L` prints serials, or an inclusive range A-B as a KRL spec writes one. */
function serialsOf(text: string): CertificateRevocationMatch {
  const parts = text.split("-");
  // The same rule as the admin API's serial, for each end of a range.
  const serials = parts.map((part) => (certificateSerial.safeParse(part).success ? BigInt(part) : -1n));
  const [from, to = from] = serials;
  if (parts.length > 2 || from === undefined || to === undefined || serials.some((n) => n < 0n) || from > to) {
    throw new CliError(`--serial must be a number from 0 to 2^64-1 or a range A-B of them (got ${text})`);
  }
  return from === to ? { serial: from } : { serialFrom: from, serialTo: to };
}

function readKrl(file: string) {
  const bytes = readCappedFile(file, maxKrlBytes, "a KRL");
  try {
    return decodeKrl(bytes);
  } catch (error) {
    if (isKeyFormatError(error)) throw new CliError(`${file}: ${error.message}`);
    throw error;
  }
}

interface RevokeOptions {
  serial?: string;
  keyId?: string;
  key?: string;
  all?: boolean;
  reason?: string;
}

export function registerCaCommands(program: Command): void {
  const ca = program.command("ca").description("manage trusted OpenSSH certificate authorities (user certificates over SSHSIG)");
  ca.command("add <file>")
    .description("trust the CA public key in file (may be - for standard input) to sign user certificates")
    .option("--name <name>", "what to call the CA (default: the key's comment, else its fingerprint)")
    .option("--principal-map <map>", "how a certificate names its user: username (a principal), key-id, or extension:NAME", "username")
    .action(async (file: string, opts: { name?: string; principalMap: string }) => {
      const map = principalMapOf(opts.principalMap);
      const added = await withStore(async (s) => {
        const key = readPublicKey(file, s.directory.keyPolicy);
        const trusted = await s.authorities.add(opts.name ?? (key.comment || key.fingerprintSha256), key, map);
        await recordCliChanges(s, authorityTrusted(trusted));
        return trusted;
      });
      process.stdout.write(`trusted CA ${added.name} ${added.fingerprintSha256} (principals: ${added.principalMap})\n`);
    });
  ca.command("list")
    .description("list trusted CAs")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const [list, counts] = await withStore(async (s) => [await s.authorities.list(), await s.authorities.countRevocations()] as const);
      if (opts.json) return printJson(list.map((c) => ({ ...c, revocations: counts.get(c.id) ?? 0 })));
      printTable([
        ["NAME", "TYPE", "FINGERPRINT", "PRINCIPALS", "STATUS", "LAST USED"],
        ...list.map((c) => [c.name, c.type, c.fingerprintSha256, c.principalMap, c.revokedAt ? "revoked" : "active", c.lastUsedAt?.toISOString() ?? "never"]),
      ]);
    });
  ca.command("remove <name>")
    .description("stop trusting a CA and forget its revocations")
    .action(async (name: string) => {
      const removed = await withStore(async (s) => {
        const gone = await s.authorities.remove(name);
        await recordCliChanges(s, authorityRemoved(gone));
        return gone;
      });
      process.stdout.write(`removed CA ${removed.name}\n`);
    });
  ca.command("revoke <name>")
    .description("refuse certificates of a CA: by serial, by key id, by certified key, or all of them")
    .option("--serial <n>", "the certificate with this serial, or those with serials in a range A-B")
    .option("--key-id <id>", "certificates with this key id (ssh-keygen -I)")
    .option("--key <file>", "certificates of this public key")
    .option("--all", "every certificate of the CA")
    .option("--reason <text>", "why")
    .action(async (name: string, opts: RevokeOptions) => {
      const chosen = [opts.serial, opts.keyId, opts.key, opts.all].filter((o) => o !== undefined);
      if (chosen.length !== 1) throw new CliError("give exactly one of --serial, --key-id, --key, --all");
      await withStore(async (s) => {
        const before = (await s.authorities.list()).find((c) => c.name === name);
        if (opts.all) {
          const after = await s.authorities.revokeAll(name);
          if (before && !before.revokedAt) await recordCliChanges(s, authorityRevoked(before, after));
          return;
        }
        const match: CertificateRevocationMatch =
          opts.serial !== undefined
            ? serialsOf(opts.serial)
            : opts.keyId !== undefined
              ? { keyId: opts.keyId }
              : { keyFingerprint: readPublicKey(opts.key!, s.directory.keyPolicy).fingerprintSha256 };
        await s.authorities.revokeCertificates(name, match, opts.reason);
        const which = { serial: opts.serial, keyId: opts.keyId, keyFingerprint: "keyFingerprint" in match ? match.keyFingerprint : undefined };
        if (before) await recordCliChanges(s, certificatesRevoked(before, JSON.parse(JSON.stringify(which)) as Record<string, unknown>, opts.reason));
      });
      process.stdout.write(opts.all ? `revoked CA ${name}\n` : `revoked certificates of CA ${name}\n`);
    });
  ca.command("import-krl <file>")
    .description("apply an OpenSSH key revocation list (ssh-keygen -k); importing the same source again replaces its previous import")
    .option("--source <name>", "what the import is called, so the next one replaces it (default: the file's name)")
    .action(async (file: string, opts: { source?: string }) => {
      const source = krlSourceName(opts.source ?? path.basename(file));
      const krl = readKrl(file);
      const report = await withStore((s) => importKrl(s, krl, source));
      const printed = report.notes.join("\n");
      // The CLI exits right after the command, which would cut a long report short on a pipe.
      await new Promise<void>((resolve) => process.stdout.write(`${printed}\n`, () => resolve()));
    });
}
