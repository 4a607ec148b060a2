import { z } from "zod";

/**
 * What Claude Code sends a command hook on stdin; only the fields Omnara uses, the rest is kept.
 * See https://code.claude.com/docs/en/hooks ("Hook input").
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
export const PermissionRequestInput = ToolHookInput.extend({
  /** The "don't ask again" rules the terminal dialog would offer. */
  permission_suggestions: z.array(z.looseObject({ type: z.string() })).optional(),
});
export const StopInput = Base.extend({
  stop_hook_active: z.boolean().optional(),
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
  "PostToolUse",
  "Stop",
  "SessionEnd",
] as const;
export type HookEvent = (typeof hookEvents)[number];
export const isHookEvent = (value: string): value is HookEvent => hookEvents.some((event) => event === value);

/** What the hook client replays to Claude Code: its stdout, stderr and exit code. */
export interface HookAnswer {
  exitCode: number;
  stdout?: string;
  stderr?: string;
}

export const proceed: HookAnswer = { exitCode: 0 };
