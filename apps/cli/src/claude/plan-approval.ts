import type { HookAnswer } from "./hook-input.ts";

export const APPROVE_AUTO_EDITS = "Approve, auto-accept edits";
export const APPROVE_ASK_EDITS = "Approve, ask before edits";
export const KEEP_PLANNING = "Keep planning";
/** The terminal's own three choices for ExitPlanMode, as buttons. */
export const planChoices = [APPROVE_AUTO_EDITS, APPROVE_ASK_EDITS, KEEP_PLANNING] as const;

export function planQuestion(input: Record<string, unknown>): string {
  const plan = typeof input["plan"] === "string" ? input["plan"] : "";
  return `Claude has a plan and wants to start:\n\n${plan}\n\nApprove it? Or reply with what to change.`;
}

/**
 * ExitPlanMode through the PermissionRequest hook: approving leaves plan mode (for this session,
 * like the terminal: accept edits or default); anything else keeps planning, with the reply as
 * the reason Claude reads.
 */
export function planDecision(option: string | undefined, reply: string): HookAnswer {
  const decision =
    option === APPROVE_AUTO_EDITS || option === APPROVE_ASK_EDITS
      ? {
          behavior: "allow",
          updatedPermissions: [
            {
              type: "setMode",
              mode: option === APPROVE_AUTO_EDITS ? "acceptEdits" : "default",
              destination: "session",
            },
          ],
        }
      : {
          behavior: "deny",
          message:
            option === KEEP_PLANNING || !reply.trim()
              ? "The user wants to keep planning (answered from Omnara)."
              : `The user wants changes to the plan (answered from Omnara): ${reply.trim()}`,
        };
  return {
    exitCode: 0,
    stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision } }),
  };
}
