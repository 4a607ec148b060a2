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

export interface Operation<
  Id extends string = string,
  A extends Audience = Audience,
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
> {
  id: Id;
  audience: A;
  /** tRPC procedure type: queries read, mutations write. */
  kind: "query" | "mutation";
  /** One paragraph; it is the API docs' text and the MCP tool description. */
  description: string;
  input: I;
  output: O;
  rest?: RestBinding;
  /** Exposed as an MCP tool under this name (agent operations only). */
  mcp?: { tool: string };
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
