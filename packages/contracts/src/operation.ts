import type { z } from "zod";

/** Who may call an operation: agents with an API key, signed-in users, or anyone. */
export type Audience = "agent" | "user" | "public";

export type HttpMethod = "GET" | "POST" | "PUT" | "PATCH" | "DELETE";

/**
 * How an operation appears in the REST API. `path` uses `{field}` placeholders that
 * name input fields; the rest of the input comes from the query (GET, DELETE) or body.
 */
export interface RestBinding {
  method: HttpMethod;
  path: string;
  /** HTTP status of a success; 200 unless said. */
  status?: 200 | 201;
}

/** Input fields an MCP server fills in itself; they are left out of the tool's schema. */
export type McpContextField =
  /** The client's agent type (from its X-Client-Type header or MCP client info). */
  | "agent_type"
  /** How long one call may wait on a person before it answers `status: "waiting"`. */
  | "wait_seconds";

/** How an operation appears as an MCP tool; the tool is generated, with no code of its own. */
export interface McpBinding {
  tool: string;
  context?: readonly McpContextField[];
  /**
   * Makes the tool wait on a person in rounds. Each call waits at most `wait_seconds` and, if
   * nobody answered, returns `status: "waiting"` with these output fields; passing them back as
   * input goes on waiting instead of starting over. The tool repeats the call, sending a
   * progress notification after each round, until another status comes back or the client
   * cancels. Rounds keep each HTTP request short and let clients see the wait is alive.
   */
  resume?: readonly string[];
}

export interface Operation<
  Id extends string = string,
  A extends Audience = Audience,
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  id: Id;
  audience: A;
  /**
   * tRPC procedure type: queries read, mutations write, subscriptions stream (tRPC over SSE
   * only: REST and MCP expose no subscription).
   */
  kind: "query" | "mutation" | "subscription";
  /** One paragraph; it is the API docs' text and the MCP tool description. */
  description: string;
  input: I;
  output: O;
  rest?: RestBinding;
  /** Exposed as an MCP tool (agent operations only). */
  mcp?: McpBinding;
}

/** Identity function that keeps the literal types of an operation definition. */
export const defineOperation = <
  const Id extends string,
  const A extends Audience,
  I extends z.ZodType,
  O extends z.ZodType,
>(
  op: Operation<Id, A, I, O>,
): Operation<Id, A, I, O> => op;

export type OperationInput<Op extends Operation> = z.input<Op["input"]>;
export type OperationOutput<Op extends Operation> = z.output<Op["output"]>;
/** The input after parsing (defaults applied): what a handler receives. */
export type OperationArgs<Op extends Operation> = z.output<Op["input"]>;
