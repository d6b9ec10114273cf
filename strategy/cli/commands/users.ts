import type { Command } from "commander";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";
import { readUsersIfMigrated } from "../../store/sql/user-list.js";
import type { UserFlags } from "../../store/ports.js";
import { checkEmail } from "../../store/directory/email.js";
import { jwksChange, userChanges, userCreated, userDeleted } from "../../audit/targets.js";
import { recordCliChanges } from "../audit.js";

export function registerUserCommands(program: Command): void {
  const users = program.command("users").description("manage users");
  users
    .command("add <username>")
    .description("create a user")
    .option("--admin", "make the user an administrator of the console")
    .option("--email <address>", "where the user's notifications are mailed")
    .action(async (username: string, opts: { admin?: boolean; email?: string }) => {
      const user = await withStore(async (s) => {
        if (opts.email !== undefined) checkEmail(opts.email);
        let created = await s.directory.addUser(username, { isAdmin: opts.admin ?? false });
        if (opts.email !== undefined) created = await s.directory.setUserFlags(username, { email: opts.email });
        await recordCliChanges(s, userCreated(created));
        return created;
      });
      process.stdout.write(`created user ${user.username}${user.isAdmin ? " (admin)" : ""}${user.email ? ` <${user.email}>` : ""}\n`);
    });
  users
    .command("set-email <username> <address>")
    .description('where the user\'s notifications are mailed (key added, expiring, revoked by an admin, …); "none" clears it')
    .action(async (username: string, address: string) => {
      const user = await withStore(async (s) => {
        const before = await s.directory.findUser(username);
        const after = await s.directory.setUserFlags(username, { email: address === "none" ? null : address });
        await recordCliChanges(s, ...userChanges(before, after));
        return after;
      });
      process.stdout.write(user.email ? `user ${username} is mailed at ${user.email}\n` : `user ${username} is mailed nothing\n`);
    });
  const flagChanges: [command: string, description: string, flags: UserFlags, done: string][] = [
    ["disable", "refuse every key of the user from now on (keys are kept)", { disabled: true }, "disabled"],
    ["enable", "accept the user's keys again", { disabled: false }, "enabled"],
    ["promote", "make the user an administrator of the console", { isAdmin: true }, "promoted to admin"],
    ["demote", "take the user's console administration rights away", { isAdmin: false }, "demoted (no longer admin)"],
    [
      "require-verification",
      "require the PIN (user verification) on every security-key signature of the user",
      { requireUserVerification: true },
      "must verify (PIN) on security keys",
    ],
    [
      "waive-verification",
      "let the user's security keys sign without the PIN again (keys stored verify-required still need it)",
      { requireUserVerification: false },
      "no longer required to verify on security keys",
    ],
  ];
  for (const [command, description, flags, done] of flagChanges) {
    users
      .command(`${command} <username>`)
      .description(description)
      .action(async (username: string) => {
        await withStore(async (s) => {
          const before = await s.directory.findUser(username);
          await recordCliChanges(s, ...userChanges(before, await s.directory.setUserFlags(username, flags)));
        });
        process.stdout.write(`user ${username} ${done}\n`);
      });
  }
  users
    .command("remove <username>")
    .description("delete a user and all their keys (the authentication log keeps their events)")
    .action(async (username: string) => {
      const { keyCount } = await withStore(async (s) => {
        const removed = await s.directory.removeUser(username);
        await recordCliChanges(s, userDeleted(removed.user, removed.keyCount));
        return removed;
      });
      process.stdout.write(`removed user ${username} and ${keyCount} key${keyCount === 1 ? "" : "s"}\n`);
    });
  registerJwksCommands(users);
  users
    .command("list")
    .description("list users")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      // A migrated database is read without the store (Prisma's start is most of this command's time).
      const list = (await readUsersIfMigrated(process.env.DATABASE_URL || undefined)) ?? (await withStore((s) => s.directory.listUsers()));
      if (opts.json) return printJson(list);
      printTable([
        ["USERNAME", "ADMIN", "DISABLED", "VERIFY", "CREATED"],
        ...list.map((u) => [
          u.username,
          u.isAdmin ? "yes" : "no",
          u.disabled ? "yes" : "no",
          u.requireUserVerification ? "yes" : "no",
          u.createdAt.toISOString(),
        ]),
      ]);
    });
}

/** `users jwks add|list|remove`: the JWKS URLs whose keys sign in as a user (JWT scheme). */
function registerJwksCommands(users: Command): void {
  const jwks = users.command("jwks").description("manage the JWKS URLs whose keys sign JWTs in as a user");
  jwks
    .command("add <username> <url>")
    .description("trust the keys of this JWKS URL for the user's JWTs (by their kid)")
    .action(async (username: string, url: string) => {
      const added = await withStore(async (s) => {
        const endpoint = await s.jwks.add(username, url);
        await recordCliChanges(s, jwksChange("jwks.added", endpoint));
        return endpoint;
      });
      process.stdout.write(`user ${added.username} trusts JWKS ${added.url}\n`);
    });
  jwks
    .command("list <username>")
    .description("list the user's JWKS URLs with their last use and last fetch")
    .option("--json", "print JSON")
    .action(async (username: string, opts: { json?: boolean }) => {
      const list = await withStore((s) => s.jwks.list(username));
      if (opts.json) return printJson(list);
      printTable([
        ["URL", "ADDED", "LAST USED", "LAST FETCH", "FETCH ERROR"],
        ...list.map((e) => [
          e.url,
          e.createdAt.toISOString(),
          e.lastUsedAt?.toISOString() ?? "never",
          e.lastFetchedAt?.toISOString() ?? "never",
          e.lastFetchError ?? "-",
        ]),
      ]);
    });
  jwks
    .command("remove <username> <url>")
    .description("stop trusting a JWKS URL for the user (its keys are refused from the next request)")
    .action(async (username: string, url: string) => {
      const removed = await withStore(async (s) => {
        const endpoint = await s.jwks.remove(username, url);
        await recordCliChanges(s, jwksChange("jwks.removed", endpoint));
        return endpoint;
      });
      process.stdout.write(`user ${removed.username} no longer trusts JWKS ${removed.url}\n`);
    });
}
