import type { HookAnswer, PermissionRequest } from "./hook-input.ts";
import { summarizeToolUse } from "./summarize.ts";

export const ALLOW = "Allow";
export const ALLOW_FOR_SESSION = "Allow for this session";
export const DENY = "Deny";
/** The buttons the dashboard shows; any other reply denies with the reply as the reason. */
export const permissionChoices = [ALLOW, ALLOW_FOR_SESSION, DENY] as const;

export function permissionQuestion(request: PermissionRequest): string {
  return `Claude wants to use ${request.tool_name}:\n${summarizeToolUse(request.tool_name, request.tool_input)}\n\nAllow it? Reply "${DENY}" or say why not to deny it with a reason.`;
}

type Decision = { behavior: "allow"; updatedPermissions?: unknown[] } | { behavior: "deny"; message: string };

/**
 * The PermissionRequest hook's answer for a reply (https://code.claude.com/docs/en/hooks,
 * "PermissionRequest decision control"). "Allow for this session" adds the rules the terminal
 * dialog would have offered, scoped to this session instead of the settings files.
 */
export function permissionDecision(request: PermissionRequest, option: string | undefined, reply: string): HookAnswer {
  let decision: Decision;
  if (option === ALLOW) {
    decision = { behavior: "allow" };
  } else if (option === ALLOW_FOR_SESSION) {
    decision = { behavior: "allow", updatedPermissions: sessionRules(request) };
  } else {
    const reason = option === DENY ? "" : reply.replace(/^\s*(deny|no)\s*[:,.\-–—]?\s*/i, "").trim();
    decision = {
      behavior: "deny",
      message: reason ? `The user denied this from Omnara: ${reason}` : "The user denied this from Omnara.",
    };
  }
  return {
    exitCode: 0,
    stdout: JSON.stringify({ hookSpecificOutput: { hookEventName: "PermissionRequest", decision } }),
  };
}

function sessionRules(request: PermissionRequest): unknown[] {
  const suggested = (request.permission_suggestions ?? []).filter((s) => s.type === "addRules");
  if (suggested.length > 0) return suggested.map((s) => ({ ...s, destination: "session" }));
  return [{ type: "addRules", rules: [{ toolName: request.tool_name }], behavior: "allow", destination: "session" }];
}
