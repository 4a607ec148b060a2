import { fileURLToPath } from "node:url";
import { type HookEvent, hookEvents } from "./hook-input.ts";

const hookClient = fileURLToPath(new URL("../../bin/omnara-hook.js", import.meta.url));
const quote = (value: string): string => `'${value.replaceAll("'", `'\\''`)}'`;

/** A day: a permission question or an end-of-turn wait lasts as long as the user takes. */
const WAIT_SECONDS = 86_400;

const handler = (event: HookEvent) => {
  const command = `${quote(process.execPath)} ${quote(hookClient)} ${event}`;
  switch (event) {
    case "PermissionRequest":
      // Claude Code shows its terminal dialog while this runs; whichever answers first wins.
      return { type: "command", command, timeout: WAIT_SECONDS };
    case "Stop":
      // Runs in the background so the terminal stays free; exit code 2 wakes Claude with the
      // dashboard reply (https://code.claude.com/docs/en/hooks, "asyncRewake").
      return {
        type: "command",
        command,
        timeout: WAIT_SECONDS,
        asyncRewake: true,
        rewakeMessage: "The user replied from the Omnara dashboard:",
      };
    default:
      return { type: "command", command, timeout: 30 };
  }
};

const usesMatcher = (event: HookEvent): boolean =>
  event === "PreToolUse" || event === "PostToolUse" || event === "PermissionRequest";

/** The `--settings` JSON that attaches Omnara to a Claude Code run through its hooks. */
export function omnaraSettings(): { hooks: Record<string, unknown[]> } {
  const hooks: Record<string, unknown[]> = {};
  for (const event of hookEvents) {
    hooks[event] = [{ ...(usesMatcher(event) ? { matcher: "*" } : {}), hooks: [handler(event)] }];
  }
  return { hooks };
}
