import { readFileSync } from "node:fs";
import { CliError } from "../cli-error.ts";
import { hookClientPath as hookClient } from "../package-files.ts";
import { type ClaudeHookEvent, type HookEvent, hookEvents, WAKER } from "./hook-input.ts";

const quote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** A day: a permission question or an idle session waits as long as the user takes. */
const WAIT_SECONDS = 86_400;

/**
 * What the terminal shows, and the model reads, when a dashboard reply wakes Claude: Claude Code
 * wraps an asyncRewake hook's stderr as `<task-notification><summary>{rewakeSummary}</summary>
 * </task-notification>` + `{rewakeMessage} {stderr}` (checked in 2.1.197's hook runner).
 */
export const REWAKE_SUMMARY = "Reply from Omnara";
export const REWAKE_MESSAGE = "The user replied from the Omnara dashboard:";

const command = (event: HookEvent): string => `${quote(process.execPath)} ${quote(hookClient)} ${event}`;

const handler = (event: ClaudeHookEvent) => {
  // Claude Code shows its terminal dialog while PermissionRequest runs; whichever answers first wins.
  if (event === "PermissionRequest") return { type: "command", command: command(event), timeout: WAIT_SECONDS };
  return { type: "command", command: command(event), timeout: 30 };
};

/** Runs in the background (the terminal stays free); exit code 2 wakes Claude with the reply. */
const waker = {
  type: "command",
  command: command(WAKER),
  timeout: WAIT_SECONDS,
  asyncRewake: true,
  rewakeSummary: REWAKE_SUMMARY,
  rewakeMessage: REWAKE_MESSAGE,
};

const usesMatcher = (event: ClaudeHookEvent): boolean =>
  event === "PreToolUse" ||
  event === "PostToolUse" ||
  event === "PostToolUseFailure" ||
  event === "PermissionRequest" ||
  event === "PermissionDenied";

type HookGroup = { matcher?: string; hooks: unknown[] };
export type ClaudeSettings = Record<string, unknown> & { hooks?: Record<string, unknown> };

/** The `--settings` JSON that attaches Omnara to a Claude Code run through its hooks. */
export function omnaraSettings(): { hooks: Record<string, HookGroup[]> } {
  const hooks: Record<string, HookGroup[]> = {};
  for (const event of hookEvents) {
    const group: HookGroup = { ...(usesMatcher(event) ? { matcher: "*" } : {}), hooks: [handler(event)] };
    if (event === "SessionStart" || event === "UserPromptSubmit") group.hooks.push(waker);
    hooks[event] = [group];
  }
  return { hooks };
}

/**
 * Claude Code takes one `--settings`; when the user passes their own, it is merged with ours
 * (their keys kept, hook lists joined: theirs run as before, ours beside them) and removed from
 * the arguments. The value is a file path or a JSON string, as Claude Code accepts.
 */
export function mergeUserSettings(args: readonly string[]): { args: string[]; settings: ClaudeSettings } {
  const rest: string[] = [];
  let theirs: ClaudeSettings = {};
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? "";
    let value: string | undefined;
    // After `--` everything is Claude's prompt, never an option (a prompt may start with dashes).
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === "--settings") {
      value = args[i + 1];
      i++;
    } else if (arg.startsWith("--settings=")) {
      value = arg.slice("--settings=".length);
    } else {
      rest.push(arg);
      continue;
    }
    if (value === undefined) throw new CliError("INVALID_ARGUMENT", "--settings needs a file or a JSON object.");
    theirs = mergeSettings(theirs, readSettings(value));
  }
  return { args: rest, settings: mergeSettings(theirs, omnaraSettings()) };
}

function readSettings(value: string): ClaudeSettings {
  let text = value;
  if (!value.trimStart().startsWith("{")) {
    try {
      text = readFileSync(value, "utf8");
    } catch (error) {
      throw new CliError(
        "INVALID_ARGUMENT",
        `--settings ${value}: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new CliError("INVALID_ARGUMENT", `--settings ${value} is not valid JSON.`);
  }
  if (!isRecord(parsed)) throw new CliError("INVALID_ARGUMENT", `--settings ${value} must be a JSON object.`);
  return parsed;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

function mergeSettings(base: ClaudeSettings, extra: ClaudeSettings): ClaudeSettings {
  const merged: ClaudeSettings = { ...base, ...extra };
  const baseHooks = isRecord(base.hooks) ? base.hooks : {};
  const extraHooks = isRecord(extra.hooks) ? extra.hooks : {};
  const hooks: Record<string, unknown> = { ...baseHooks };
  for (const [event, groups] of Object.entries(extraHooks)) {
    const before = hooks[event];
    hooks[event] = [...(Array.isArray(before) ? before : []), ...(Array.isArray(groups) ? groups : [])];
  }
  if (Object.keys(hooks).length > 0) merged.hooks = hooks;
  return merged;
}
