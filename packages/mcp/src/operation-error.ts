import type { CallToolResult } from "@modelcontextprotocol/sdk/types.js";
import { type FieldIssue, isErrorCode, PlanLimit } from "@omnara/contracts";

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

const isIssue = (value: unknown): value is FieldIssue =>
  isRecord(value) && typeof value["path"] === "string" && typeof value["message"] === "string";

const issuesOf = (value: unknown): FieldIssue[] => (Array.isArray(value) ? value.filter(isIssue) : []);

export interface DescribedError {
  code: string;
  message: string;
  issues: FieldIssue[];
  planLimit?: PlanLimit | undefined;
}

/** Reads code, message, field issues and plan limit from an `OmnaraError` or a tRPC client's error (`data`). */
export function describeError(error: unknown): DescribedError {
  if (!isRecord(error)) return { code: "INTERNAL_SERVER_ERROR", message: String(error), issues: [] };
  const planLimit = PlanLimit.safeParse(error["planLimit"] ?? error["data"]);
  const data = isRecord(error["data"]) ? error["data"] : {};
  const code = [error["code"], data["code"]].find((value): value is string => typeof value === "string");
  const issues = issuesOf(error["issues"]);
  return {
    code: code && (isErrorCode(code) || /^[A-Z_]+$/.test(code)) ? code : "INTERNAL_SERVER_ERROR",
    message: typeof error["message"] === "string" ? error["message"] : "The operation failed.",
    issues: issues.length > 0 ? issues : issuesOf(data["issues"]),
    planLimit: planLimit.success ? planLimit.data : undefined,
  };
}

/**
 * A tool error the model can act on: the code, the message, and one line per invalid field.
 * Tool errors are results with `isError` (not protocol errors), so the model sees them.
 */
export function toolErrorResult(error: unknown): CallToolResult {
  const { code, message, issues, planLimit } = describeError(error);
  const lines = [`${code}: ${message}`, ...issues.map((issue) => `- ${issue.path || "(input)"}: ${issue.message}`)];
  return {
    isError: true,
    content: [{ type: "text", text: lines.join("\n") }],
    // Over a plan's limit: the same {limit, used, upgrade_url} as the REST body.
    structuredContent: { error: { code, message, issues, ...planLimit } },
  };
}
