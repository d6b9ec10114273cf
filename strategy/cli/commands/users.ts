import type { Command } from "commander";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";
import type { UserFlags } from "../../store/ports.js";

export function registerUserCommands(program: Command): void {
  const users = program.command("users").description("manage users");
  users
    .command("add <username>")
    .description("create a user")
    .option("--admin", "make the user an administrator of the console")
    .action(async (username: string, opts: { admin?: boolean }) => {
      const user = await withStore((s) => s.directory.addUser(username, { isAdmin: opts.admin ?? false }));
      process.stdout.write(`created user ${user.username}${user.isAdmin ? " (admin)" : ""}\n`);
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
        await withStore((s) => s.directory.setUserFlags(username, flags));
        process.stdout.write(`user ${username} ${done}\n`);
      });
  }
  users
    .command("remove <username>")
    .description("delete a user and all their keys (the authentication log keeps their events)")
    .action(async (username: string) => {
      const { keyCount } = await withStore((s) => s.directory.removeUser(username));
      process.stdout.write(`removed user ${username} and ${keyCount} key${keyCount === 1 ? "" : "s"}\n`);
    });
  users
    .command("list")
    .description("list users")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const list = await withStore((s) => s.directory.listUsers());
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
