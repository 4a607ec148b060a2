/**
 * What the server log may keep of an error: never a query's parameters (token hashes, a CLI
 * code's hash, message text, emails), nor values the database quotes back in its messages.
 * A failed query is logged as its SQL text (placeholders only) and the database's error code.
 */
export class FailedQueryLog extends Error {
  override name = "FailedQuery";

  constructor(
    readonly query: string,
    readonly code: string | undefined,
    reason: string,
  ) {
    super(`Failed query (${code ?? "no code"}: ${reason}): ${query}`);
  }
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && name in value ? Reflect.get(value, name) : undefined;

/** The driver's message with anything it quotes (values, keys) cut out. */
const withoutValues = (message: unknown): string =>
  typeof message === "string" ? message.replace(/"[^"]*"|'[^']*'|\([^)]*\)=\([^)]*\)/g, "…").slice(0, 200) : "";

/** The first error along the cause chain that carries a query and its parameters. */
function failedQuery(error: unknown): { query: string; cause: unknown } | undefined {
  for (let current = error, depth = 0; current && depth < 8; current = field(current, "cause"), depth += 1) {
    const query = field(current, "query");
    if (typeof query === "string" && field(current, "params") !== undefined)
      return { query, cause: field(current, "cause") };
  }
  return undefined;
}

export function redactForLog(error: unknown): unknown {
  const failed = failedQuery(error);
  if (!failed) return error;
  const code = field(failed.cause, "code");
  return new FailedQueryLog(
    failed.query,
    typeof code === "string" ? code : undefined,
    withoutValues(field(failed.cause, "message")),
  );
}
