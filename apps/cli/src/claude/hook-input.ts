import { z } from "zod";

/**
 * What Claude Code sends a command hook on stdin; only the fields Omnara uses, the rest is kept.
 * See https://code.claude.com/docs/en/hooks ("Hook input"); field names checked against the
 * pinned Claude Code (2.1.197).
 */
const Base = z.looseObject({
  session_id: z.string().min(1),
  transcript_path: z.string().optional(),
  cwd: z.string().optional(),
});

export const SessionStartInput = Base.extend({ source: z.string().optional() });
export const UserPromptSubmitInput = Base.extend({ prompt: z.string().default("") });
export const ToolHookInput = Base.extend({
  tool_name: z.string(),
  tool_input: z.record(z.string(), z.unknown()).default({}),
  tool_use_id: z.string().optional(),
});
/** PostToolUse: the tool ran; `tool_response` is its result as the tool returned it. */
export const PostToolUseInput = ToolHookInput.extend({ tool_response: z.unknown().optional() });
/** PostToolUseFailure: the tool ran and failed (or was interrupted while running). */
export const PostToolUseFailureInput = ToolHookInput.extend({
  error: z.string().optional(),
  is_interrupt: z.boolean().optional(),
});
/** PermissionDenied: auto mode's classifier refused a tool. */
export const PermissionDeniedInput = ToolHookInput.extend({ reason: z.string().optional() });
/** PermissionRequest carries no tool_use_id in 2.1.197: the PreToolUse just before it does. */
export const PermissionRequestInput = ToolHookInput.extend({
  /** The "don't ask again" rules the terminal dialog would offer. */
  permission_suggestions: z.array(z.looseObject({ type: z.string() })).optional(),
});
export const NotificationInput = Base.extend({
  message: z.string().optional(),
  /** permission_prompt, idle_prompt, … (the Notification matcher values). */
  notification_type: z.string().optional(),
});
export const StopInput = Base.extend({
  stop_hook_active: z.boolean().optional(),
  last_assistant_message: z.string().optional(),
});
/** StopFailure: the turn ended on an API error (rate limit, auth, …) instead of a Stop. */
export const StopFailureInput = Base.extend({
  error: z.string().optional(),
  last_assistant_message: z.string().optional(),
});
export const SessionEndInput = Base.extend({ reason: z.string().optional() });

export type PermissionRequest = z.infer<typeof PermissionRequestInput>;

/** The hook events `omnara claude` registers, in the order a session meets them. */
export const hookEvents = [
  "SessionStart",
  "UserPromptSubmit",
  "PreToolUse",
  "PermissionRequest",
  "PermissionDenied",
  "PostToolUse",
  "PostToolUseFailure",
  "Notification",
  "Stop",
  "StopFailure",
  "SessionEnd",
] as const;
export type ClaudeHookEvent = (typeof hookEvents)[number];

/**
 * Not a Claude Code event: our background (asyncRewake) hook, started at SessionStart and at
 * every UserPromptSubmit. It stays running while Claude works and idles, and its exit code 2 is
 * the only way to hand Claude a dashboard reply when no other hook is running (after a terminal
 * "No", Esc or an interrupt, Claude Code runs no hook until the next prompt).
 */
export const WAKER = "Waker";
export type HookEvent = ClaudeHookEvent | typeof WAKER;
export const isHookEvent = (value: string): value is HookEvent =>
  value === WAKER || hookEvents.some((event) => event === value);

/** What the hook client replays to Claude Code: its stdout, stderr and exit code. */
export interface HookAnswer {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export const proceed: HookAnswer = { exitCode: 0 };
