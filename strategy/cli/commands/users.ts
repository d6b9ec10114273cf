import type { Command } from "commander";
import { printJson, printTable } from "../output.js";
import { withStore } from "../store.js";

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
  users
    .command("list")
    .description("list users")
    .option("--json", "print JSON")
    .action(async (opts: { json?: boolean }) => {
      const list = await withStore((s) => s.directory.listUsers());
      if (opts.json) return printJson(list);
      printTable([
        ["USERNAME", "ADMIN", "DISABLED", "CREATED"],
        ...list.map((u) => [u.username, u.isAdmin ? "yes" : "no", u.disabled ? "yes" : "no", u.createdAt.toISOString()]),
      ]);
    });
}
