#!/usr/bin/env node
import type { StdioFlags } from "@omnara/mcp";
import { Command, Option } from "commander";
import { readCliEnv } from "./env.ts";
import { reportFailure } from "./output.ts";

// Commands load lazily: `omnara --help` should not start the server stack.
import { version } from "./version.ts";

const env = readCliEnv();
const program = new Command("omnara")
  .description("Mission control for AI agents: run Omnara, sign in, and mirror Claude Code to your phone.")
  .version(version, "-v, --version")
  .addOption(new Option("--api-key <key>", "agent API key (default: OMNARA_API_KEY, then ~/.omnara/credentials.json)"))
  .addOption(
    new Option(
      "--base-url <url>",
      "Omnara server (default: OMNARA_BASE_URL, then the one you logged in to, then http://127.0.0.1:8080)",
    ),
  )
  .showHelpAfterError("(run `omnara --help` for usage)");

interface GlobalOptions {
  apiKey?: string;
  baseUrl?: string;
}
const globals = (): GlobalOptions => program.opts<GlobalOptions>();

/** Runs a command and turns its outcome into an exit code; errors print as text or JSON. */
const run =
  <A extends unknown[]>(json: (...args: A) => boolean, action: (...args: A) => Promise<number> | number) =>
  async (...args: A): Promise<void> => {
    try {
      process.exitCode = await action(...args);
    } catch (error) {
      process.exitCode = reportFailure(error, json(...args));
    }
  };

program
  .command("serve")
  .description("run the whole Omnara platform on this machine (data in ~/.omnara unless DATABASE_URL is set)")
  .option("--port <port>", "port to listen on (default: PORT, then 8080; 0 picks a free one)")
  .option("--host <host>", "address to bind (default: HOST, then 127.0.0.1)")
  .option("--data-dir <dir>", "where the embedded database and keys live (default: ~/.omnara)")
  .option("--json", "print the server's addresses as JSON")
  .action(
    run(
      (o: { json?: boolean }) => Boolean(o.json),
      async (o) => (await import("./commands/serve.ts")).serve(o),
    ),
  );

program
  .command("login")
  .description("get an API key without copy-paste: confirm a short code in the dashboard")
  .option("--name <name>", "how this machine is named on the key (default: the host name)")
  .option("--json", "print the result as JSON")
  .action(
    run(
      (o: { json?: boolean; name?: string }) => Boolean(o.json),
      async (o) => (await import("./commands/login.ts")).login({ ...globals(), ...o }, env),
    ),
  );

program
  .command("logout")
  .description("forget the stored API key (~/.omnara/credentials.json)")
  .option("--json", "print the result as JSON")
  .action(
    run(
      (o: { json?: boolean }) => Boolean(o.json),
      async (o) => (await import("./commands/logout.ts")).logout(o),
    ),
  );

program
  .command("whoami")
  .description("check the API key: which account and server it belongs to")
  .option("--json", "print the result as JSON")
  .action(
    run(
      (o: { json?: boolean }) => Boolean(o.json),
      async (o) => (await import("./commands/whoami.ts")).whoami({ ...globals(), ...o }, env),
    ),
  );

program
  .command("mcp")
  .description("run Omnara's MCP server over stdio (for Claude Desktop, Cursor and other MCP clients)")
  .option("--permission-tool", "add the approve tool, for claude --permission-prompt-tool mcp__omnara__approve")
  .option("--agent-instance-id <uuid>", "report into this agent instance (default: one per session)")
  .option(
    "--client-type <name>",
    "agent type shown on the dashboard (default: OMNARA_CLIENT_TYPE, then the client's name)",
  )
  .option("--wait-round-seconds <n>", "how often a waiting tool sends progress (default 25)")
  .option("--git-diff", "attach the working tree's changes since the server started to each step and question")
  .option("--disable-tools", "offer no tools but approve (with --permission-tool), as Omnara's own --disable-tools")
  .configureHelp({ showGlobalOptions: true })
  .action(
    run(
      (_o: StdioFlags) => false,
      async (o) => (await import("./commands/mcp.ts")).mcp({ ...globals(), ...o }, env),
    ),
  );

program
  .command("claude")
  .description("run Claude Code with Omnara attached; every argument goes to Claude Code")
  .argument("[args...]", 'arguments for Claude Code, e.g. --resume or -p "fix the tests"')
  .allowUnknownOption()
  .helpOption(false)
  .action(
    run(
      (_args: string[]) => false,
      async (args) => (await import("./commands/claude.ts")).claude(args, globals(), env),
    ),
  );

const daemon = program
  .command("daemon")
  .description("run agents on this machine when you start them from the dashboard (one outbound connection, no port)");
daemon
  .command("run", { isDefault: true })
  .description("run the daemon (the default): register this machine and its projects, wait for sessions to start")
  .addOption(new Option("--poll-seconds <n>", "longest wait of each poll for commands (default 25)").hideHelp())
  .action(
    run(
      (_o: { pollSeconds?: string }) => false,
      async (o: { pollSeconds?: string }) =>
        (await import("./commands/daemon.ts")).daemonRun({ ...globals(), ...o }, env),
    ),
  );
daemon
  .command("login")
  .description("get this machine's key: confirm a short code in the dashboard (revocable there, like any key)")
  .option("--name <name>", "how this machine is named (default: the host name)")
  .option("--json", "print the result as JSON")
  .action(
    run(
      (o: { json?: boolean }) => Boolean(o.json),
      async (o: { json?: boolean; name?: string }) =>
        (await import("./commands/daemon.ts")).daemonLogin({ ...globals(), ...o }, env),
    ),
  );
daemon
  .command("add-project")
  .description("let agents be started in this directory (git repositories also in new worktrees)")
  .argument("<path>", "the project's directory")
  .option("--worktree-root <dir>", "where new worktrees go (default ~/.omnara/worktrees/<project>-<hash>)")
  .option("--json", "print the project as JSON")
  .action(
    run(
      (_path: string, o: { json?: boolean }) => Boolean(o.json),
      async (path: string, o: { json?: boolean; worktreeRoot?: string }) =>
        (await import("./commands/daemon.ts")).daemonAddProject(path, o),
    ),
  );
daemon
  .command("remove-project")
  .description("stop offering this directory")
  .argument("<path>", "the project's directory")
  .option("--json", "print the result as JSON")
  .action(
    run(
      (_path: string, o: { json?: boolean }) => Boolean(o.json),
      async (path: string, o: { json?: boolean }) =>
        (await import("./commands/daemon.ts")).daemonRemoveProject(path, o),
    ),
  );
daemon
  .command("list")
  .description("the server, projects and running sessions of this machine's daemon")
  .option("--json", "print them as JSON")
  .action(
    run(
      (o: { json?: boolean }) => Boolean(o.json),
      async (o: { json?: boolean }) => (await import("./commands/daemon.ts")).daemonList(o),
    ),
  );
daemon
  .command("install")
  .description("start the daemon at login/boot: a systemd --user unit (Linux) or a launchd agent (macOS)")
  .option("--no-enable", "write the file only; print the command that enables it")
  .option("--json", "print the result as JSON")
  .action(
    run(
      (o: { json?: boolean }) => Boolean(o.json),
      async (o: { json?: boolean; enable?: boolean }) => (await import("./commands/daemon.ts")).daemonInstall(o, env),
    ),
  );
daemon
  .command("uninstall")
  .description("disable and remove the user service")
  .option("--json", "print the result as JSON")
  .action(
    run(
      (o: { json?: boolean }) => Boolean(o.json),
      async (o: { json?: boolean }) => (await import("./commands/daemon.ts")).daemonUninstall(o, env),
    ),
  );

program.addHelpText(
  "after",
  `
Use with Claude Code:
  npx omnara serve            # or use your team's server with --base-url
  npx omnara login            # confirm the code in the dashboard
  npx omnara claude           # Claude Code as usual, mirrored to your phone`,
);

await program.parseAsync(process.argv);
