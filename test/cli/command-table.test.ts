// The stubs `--help` lists stand for the command modules, which are imported only when invoked:
// their names, help terms and descriptions must be the modules' own, in the same order.
import { Command, Help } from "commander";
import { describe, expect, it } from "vitest";
import { invokedCommand, topLevelCommands } from "../../strategy/cli/command-table.js";

describe("the top-level command table", () => {
  it("lists every module's commands with their own terms and descriptions, in order", async () => {
    const program = new Command("passport-sshkey");
    const loaded = new Set<unknown>();
    for (const entry of topLevelCommands) {
      if (loaded.has(entry.load)) continue;
      loaded.add(entry.load);
      (await entry.load())(program);
    }
    const help = new Help();
    expect(program.commands.map((command) => [command.name(), help.subcommandTerm(command), command.description()])).toEqual(
      topLevelCommands.map((entry) => [entry.name, entry.term, entry.description]),
    );
  });

  it("finds the invoked command, also after `help` and options", () => {
    expect(invokedCommand(["node", "cli", "users", "list"])?.name).toBe("users");
    expect(invokedCommand(["node", "cli", "help", "token"])?.name).toBe("token");
    expect(invokedCommand(["node", "cli", "--help"])).toBeNull();
    expect(invokedCommand(["node", "cli", "userz"])).toBeNull();
    expect(invokedCommand(["node", "cli"])).toBeNull();
  });
});
