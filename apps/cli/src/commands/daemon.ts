import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import { homedir, userInfo } from "node:os";
import { dirname } from "node:path";
import { resolveBaseUrl, type ServerOptions } from "../agent-auth.ts";
import { CliError } from "../cli-error.ts";
import { daemonConfigPath, readDaemonConfig, readDaemonSessions, writeDaemonConfig } from "../daemon/daemon-config.ts";
import { describeProject } from "../daemon/projects.ts";
import { runDaemon } from "../daemon/run-daemon.ts";
import { servicePlan } from "../daemon/service-files.ts";
import type { CliEnv } from "../env.ts";
import { printJson, say } from "../output.ts";
import { cliScriptPath } from "../package-files.ts";
import { deviceCodeLogin } from "./login.ts";

const stamped = (line: string) => say(`${new Date().toISOString()} omnara daemon: ${line}`);

/** `omnara daemon login`: a machine key through the device-code sign-in, kept in ~/.omnara/daemon.json. */
export async function daemonLogin(options: ServerOptions & { name?: string; json?: boolean }, env: CliEnv) {
  const baseUrl = resolveBaseUrl(options, env);
  const signedIn = await deviceCodeLogin(baseUrl, options.name, "machine");
  const config = readDaemonConfig();
  writeDaemonConfig({
    ...config,
    api_key: signedIn.apiKey,
    base_url: baseUrl,
    email: signedIn.email,
    key_name: signedIn.keyName,
    ...(options.name ? { machine_name: options.name } : {}),
  });
  if (options.json)
    printJson({ status: "signed_in", email: signedIn.email, key_name: signedIn.keyName, base_url: baseUrl });
  else
    say(
      `This machine is signed in as ${signedIn.email ?? "you"} ("${signedIn.keyName}"). Start it with \`omnara daemon\`.`,
    );
  return 0;
}

/** `omnara daemon [run]`: the daemon itself, until SIGTERM or SIGINT. */
export async function daemonRun(options: ServerOptions & { pollSeconds?: string }, env: CliEnv): Promise<number> {
  const config = readDaemonConfig();
  const apiKey = options.apiKey ?? config.api_key;
  if (!apiKey) {
    throw new CliError(
      "NOT_SIGNED_IN",
      "This machine is not signed in.",
      `Run \`omnara daemon login\` first (looked in ${daemonConfigPath()}).`,
    );
  }
  const baseUrl = (options.baseUrl ?? env.baseUrl ?? config.base_url ?? resolveBaseUrl({}, env)).replace(/\/+$/, "");
  const pollSeconds = options.pollSeconds === undefined ? 25 : Number(options.pollSeconds);
  if (!Number.isInteger(pollSeconds) || pollSeconds < 0 || pollSeconds > 300) {
    throw new CliError("INVALID_ARGUMENT", "--poll-seconds must be a whole number from 0 to 300.");
  }
  const aborter = new AbortController();
  const stop = () => aborter.abort();
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
  try {
    return await runDaemon({ apiKey, baseUrl, pollSeconds, log: stamped, signal: aborter.signal });
  } finally {
    process.off("SIGTERM", stop);
    process.off("SIGINT", stop);
  }
}

export function daemonAddProject(path: string, options: { worktreeRoot?: string; json?: boolean }): number {
  const project = describeProject(path, options.worktreeRoot);
  const config = readDaemonConfig();
  writeDaemonConfig({ ...config, projects: [...config.projects.filter((p) => p.path !== project.path), project] });
  if (options.json) printJson(project);
  else say(`Added ${project.path}${project.is_git ? ` (git; worktrees in ${project.worktree_root})` : ""}.`);
  return 0;
}

export function daemonRemoveProject(path: string, options: { json?: boolean }): number {
  const config = readDaemonConfig();
  let target = path;
  try {
    target = describeProject(path, undefined).path;
  } catch {
    // A directory deleted since it was added is still removed by the path it was added as.
  }
  const kept = config.projects.filter((p) => p.path !== target);
  if (kept.length === config.projects.length) throw new CliError("INVALID_ARGUMENT", `${path} is not a project here.`);
  writeDaemonConfig({ ...config, projects: kept });
  if (options.json) printJson({ removed: target });
  else say(`Removed ${target}.`);
  return 0;
}

export function daemonList(options: { json?: boolean }): number {
  const config = readDaemonConfig();
  const sessions = readDaemonSessions().filter((s) => !s.ended);
  if (options.json) {
    printJson({
      signed_in: Boolean(config.api_key),
      base_url: config.base_url ?? null,
      projects: config.projects,
      sessions,
    });
    return 0;
  }
  say(config.api_key ? `Signed in to ${config.base_url} as ${config.email ?? "?"}.` : "Not signed in.");
  for (const p of config.projects) say(`  ${p.path}${p.is_git ? "  (git)" : ""}`);
  for (const s of sessions) say(`  session ${s.agent_instance_id} (pid ${s.pid}) in ${s.cwd}`);
  return 0;
}

const serviceSpec = (env: CliEnv) => ({
  node: process.execPath,
  script: cliScriptPath(),
  home: homedir(),
  path: env.path,
});

/** Writes the user service and, unless --no-enable, enables it (systemd --user or launchd). */
export function daemonInstall(options: { enable?: boolean; json?: boolean }, env: CliEnv): number {
  const plan = servicePlan(process.platform, serviceSpec(env), userInfo().uid);
  if (!plan.path) {
    say(
      `No user service manager is supported on ${process.platform}. Run \`omnara daemon\` at login; as a systemd unit it is:`,
    );
    process.stdout.write(plan.contents);
    return 0;
  }
  mkdirSync(dirname(plan.path), { recursive: true });
  writeFileSync(plan.path, plan.contents, { mode: 0o644 });
  const enabled = options.enable !== false;
  if (enabled) for (const [file = "", ...args] of plan.enable) execFileSync(file, args, { stdio: "inherit" });
  const commands = plan.enable.map((command) => command.join(" "));
  if (options.json) printJson({ kind: plan.kind, path: plan.path, enabled, commands });
  else {
    say(`Wrote ${plan.path}.`);
    say(enabled ? `Enabled with: ${commands.join(" && ")}` : `Enable it with: ${commands.join(" && ")}`);
    if (plan.kind === "systemd") say("To keep it running while you are logged out: loginctl enable-linger $USER");
  }
  return 0;
}

export function daemonUninstall(options: { json?: boolean }, env: CliEnv): number {
  const plan = servicePlan(process.platform, serviceSpec(env), userInfo().uid);
  if (!plan.path) throw new CliError("NOT_AVAILABLE", `No user service is installed on ${process.platform}.`);
  for (const [file = "", ...args] of plan.disable) {
    try {
      execFileSync(file, args, { stdio: "ignore" });
    } catch {
      // Not loaded, or no service manager running (a container): the file goes anyway.
    }
  }
  rmSync(plan.path, { force: true });
  if (options.json) printJson({ kind: plan.kind, removed: plan.path });
  else say(`Removed ${plan.path}.`);
  return 0;
}
