import { jsonRpcMessage, type Outcome } from "./surfaces.ts";

/** What a client must never see: stack frames, file paths, SQL, driver errors, raw zod issues. */
const LEAK =
  /\bat (?:async )?[\w$.<>]+ \(|node_modules|\.[cm]?[jt]s:\d+|\b(?:select|insert into|delete from)\b[^"]{0,80}\b(?:from|where|values)\b|\bupdate "|syntax error at|violates \w+ constraint|relation "|PostgresError|ZodError|invalid input syntax|unsupported Unicode escape|\\?"code\\?":\s*\\?"(?:invalid_type|too_big|too_small|invalid_format|invalid_union|invalid_value|unrecognized_keys|custom)\\?"/i;

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null;

export type Verdict = "rejected" | "accepted" | "timed out";

export interface Judgement {
  verdict: Verdict;
  problems: string[];
}

/** Was the probe refused, and did the answer break a rule? */
export function judge(outcome: Outcome): Judgement {
  if (outcome.timedOut) return { verdict: "timed out", problems: [] };
  const problems: string[] = [];
  if (outcome.status >= 500) problems.push(`HTTP ${outcome.status}`);
  const leak = outcome.body.match(LEAK);
  if (leak) problems.push(`leaks "${leak[0]}"`);
  // tRPC streams report errors as events with their HTTP status.
  if (/"httpStatus":\s*5\d\d/.test(outcome.body)) problems.push("a 5xx error event");
  if (/INTERNAL_SERVER_ERROR/.test(outcome.body)) problems.push("INTERNAL_SERVER_ERROR in the body");
  let rejected = outcome.status >= 400;
  const rpc = jsonRpcMessage(outcome.body);
  if (rpc && "jsonrpc" in rpc) {
    const error = isRecord(rpc["error"]) ? rpc["error"] : undefined;
    const result = isRecord(rpc["result"]) ? rpc["result"] : undefined;
    if (error?.["code"] === -32603) problems.push("JSON-RPC internal error -32603");
    if (error || result?.["isError"] === true) rejected = true;
  }
  if (outcome.body.includes("serialized-error") || /^event: error/m.test(outcome.body)) rejected = true;
  return { verdict: rejected ? "rejected" : "accepted", problems };
}
