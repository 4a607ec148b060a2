import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { homeDataDir } from "@omnara/config";
import { Omnara } from "@omnara/sdk";
import { resolveAgentAuth, type ServerOptions, verifyAuth } from "../agent-auth.ts";
import { ClaudeBridge } from "../claude/bridge.ts";
import { startClaude } from "../claude/claude-terminal.ts";
import { findClaude } from "../claude/find-claude.ts";
import { headlessArgs, isPrintMode } from "../claude/headless.ts";
import { startHookServer } from "../claude/hook-server.ts";
import { mergeUserSettings } from "../claude/settings.ts";
import type { CliEnv } from "../env.ts";
import { inheritedEnv } from "../env.ts";
import { say } from "../output.ts";

/** Claude Code owns the terminal, so the wrapper writes what it has to say to a log file. */
function openLog(): { path: string; write: (line: string) => void } {
  const dir = join(homeDataDir(), "logs");
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `claude-${new Date().toISOString().replaceAll(":", "-")}-${process.pid}.log`);
  return { path, write: (line) => appendFileSync(path, `${new Date().toISOString()} ${line}\n`, { mode: 0o600 }) };
}

/**
 * Runs the user's real Claude Code in this terminal with Omnara attached through its documented
 * hooks (--settings): the conversation is mirrored, end-of-turn waits and permission questions
 * can be answered from the dashboard, and every session is completed when Claude exits.
 */
export async function claude(userArgs: string[], options: ServerOptions, env: CliEnv): Promise<number> {
  // The user's own --settings are merged into ours: Claude Code reads only one.
  const { args, settings } = mergeUserSettings(userArgs);
  const auth = resolveAgentAuth(options, env);
  const claudePath = findClaude(env);
  // Fail before starting Claude, not in the middle of a session.
  const who = await verifyAuth(auth);

  const log = openLog();
  log.write(`omnara claude for ${who.email} on ${auth.baseUrl}; claude at ${claudePath}; args ${JSON.stringify(args)}`);
  const omnara = new Omnara({
    apiKey: auth.apiKey,
    baseUrl: auth.baseUrl,
    onBackgroundError: (error) => log.write(`background: ${error.message}`),
  });
  // Said once on the terminal (stderr): every later hook would hit the same limit.
  const told = new Set<string>();
  const notice = (line: string) => {
    log.write(line);
    if (told.has(line)) return;
    told.add(line);
    say(line);
  };
  const runtime = mkdtempSync(join(tmpdir(), "omnara-claude-"));
  // Set once Claude Code runs; the dashboard's interrupt and stop reach it through this.
  let terminal: ReturnType<typeof startClaude> | undefined;
  // The dashboard's stop: awaited before exiting, so what Claude left running is ended first.
  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= terminal?.stop().catch((error: unknown) => log.write(`stop: ${String(error)}`));
  };
  const bridge = new ClaudeBridge({
    omnara,
    printMode: isPrintMode(args),
    cwd: process.cwd(),
    log: log.write,
    notice,
    terminal: { interrupt: () => terminal?.interrupt() ?? false, stop },
  });

  const socketPath = join(runtime, "hooks.sock");
  const settingsPath = join(runtime, "settings.json");
  writeFileSync(settingsPath, JSON.stringify(settings, null, 2), { mode: 0o600 });
  const hooks = await startHookServer(
    socketPath,
    (event, body, aborted) => bridge.handle(event, body, aborted),
    log.write,
  );

  terminal = startClaude(
    {
      command: claudePath,
      args: ["--settings", settingsPath, ...headlessArgs(args, runtime, auth)],
      env: inheritedEnv({ OMNARA_HOOK_SOCKET: socketPath }),
      runtimeDir: runtime,
    },
    !isPrintMode(args),
  );
  const { child } = terminal;
  // Ctrl+C reaches Claude Code from the terminal itself; it decides whether that means exit.
  const ignoreInterrupt = () => {};
  const forward = (signal: NodeJS.Signals) => () => child.kill(signal);
  const onTerm = forward("SIGTERM");
  const onHup = forward("SIGHUP");
  process.on("SIGINT", ignoreInterrupt);
  process.on("SIGTERM", onTerm);
  process.on("SIGHUP", onHup);

  const code = await new Promise<number>((resolve) => {
    child.on("error", (error) => {
      log.write(`claude failed to start: ${error.message}`);
      say(`omnara: could not start Claude Code at ${claudePath}: ${error.message}`);
      resolve(1);
    });
    child.on("exit", (exitCode, signal) => resolve(exitCode ?? (signal ? 128 + 2 : 1)));
  });

  terminal.restore();
  process.off("SIGINT", ignoreInterrupt);
  process.off("SIGTERM", onTerm);
  process.off("SIGHUP", onHup);
  // Whatever way Claude ended (exit, Ctrl+C, a crash), no instance is left "waiting".
  await Promise.race([bridge.closeAll(), new Promise((resolve) => setTimeout(resolve, 10_000).unref())]);
  await stopping;
  await hooks.close();
  rmSync(runtime, { recursive: true, force: true });
  log.write(`claude exited with ${code}`);
  return code;
}
