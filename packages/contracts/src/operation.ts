import { z } from "zod";

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
  | "wait_seconds"
  /** The working tree's diff, when the server was started to attach it (`omnara mcp --git-diff`). */
  | "git_diff";

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

/**
 * Whether a client may send a failed call again. "safe": a repeat changes nothing the first call
 * did not (reads, idempotent writes, writes keyed by an idempotency_key the client chose once).
 * "unsafe": a repeat could store a second row, so clients repeat only a call the server surely
 * never saw. `{ safeWith }`: unsafe, except when the input carries that field (a repeat then
 * resumes what the first call started instead of starting again).
 */
export type RetryRule = RetryClass | { safeWith: string };
export type RetryClass = "safe" | "unsafe";

/**
 * tRPC procedure type: queries read, mutations write, subscriptions stream (tRPC over SSE
 * only: REST and MCP expose no subscription).
 */
export type OperationKind = "query" | "mutation" | "subscription";

/** What a user holds on an instance: its owner, or a share's recipient with READ or WRITE. */
export type InstanceRole = "read" | "write" | "owner";

/** Roles from weakest to strongest: a rule is met by its role or a stronger one. */
export const instanceRoles: readonly InstanceRole[] = ["read", "write", "owner"];

/**
 * Who may call a user operation; enforced in one place (packages/api, where procedures are built
 * from contracts), never by the handler.
 * - `"account"`: the caller's own account (profile, keys, devices, settings) and lists of what the
 *   caller may see; core scopes every row to the caller.
 * - `{ instance: role }`: the instance named by the input's `agent_instance_id`, on which the
 *   caller must hold `role` or a stronger one. A caller who holds nothing gets NOT_FOUND (an id
 *   reveals nothing), one who holds a weaker role FORBIDDEN. `optional: true`: the field may be
 *   left out, and the call is then the caller's own account's.
 * - `{ team: role }`: the team named by the input's `team_id`, in which the caller must hold
 *   `role` or a stronger one (member < admin < owner). A non-member gets NOT_FOUND, a weaker
 *   role FORBIDDEN. Beside an instance or agent-type rule, both must hold (team checked first).
 * - `{ agentType: "owner" }`: the agent type named by `agent_type_id` is the caller's own; any
 *   other caller gets NOT_FOUND.
 * - `{ invite: "recipient" }`: the pending team invite named by `invite_id` is addressed to the
 *   caller's email; anyone else gets NOT_FOUND.
 */
export type Access =
  | "account"
  | { instance: InstanceRole; optional?: true; team?: TeamRole }
  | { team: TeamRole; agentType?: "owner" }
  | { agentType: "owner"; team?: TeamRole }
  | { invite: "recipient" };

/** What a user holds in a team. */
export type TeamRole = "member" | "admin" | "owner";

/** Team roles from weakest to strongest: a rule is met by its role or a stronger one. */
export const teamRoles: readonly TeamRole[] = ["member", "admin", "owner"];

export interface Operation<
  Id extends string = string,
  A extends Audience = Audience,
  I extends z.ZodType = z.ZodType,
  O extends z.ZodType = z.ZodType,
  K extends OperationKind = OperationKind,
  Ac extends Access | undefined = Access | undefined,
> {
  id: Id;
  audience: A;
  kind: K;
  /** One paragraph; it is the API docs' text and the MCP tool description. */
  description: string;
  input: I;
  output: O;
  rest?: RestBinding;
  /** Exposed as an MCP tool (agent operations only). */
  mcp?: McpBinding;
  /** How clients retry it; every agent operation says (the SDK and MCP clients retry). */
  retry?: RetryRule;
  /**
   * The call may wait on a person for as long as this input field says (in seconds), so a
   * client allows that long plus a margin before it gives up on the answer.
   */
  waits?: { seconds: string };
  /** Who may call it (user operations only; each must say). */
  access?: Ac;
}

/**
 * Agent operations are called by clients that retry on their own: each must say how. User
 * operations each carry their authorization rule.
 */
type RequiredFor<A extends Audience> = A extends "agent"
  ? { retry: RetryRule }
  : A extends "user"
    ? { access: Access }
    : unknown;

/** Identity function that keeps the literal types of an operation definition. */
export const defineOperation = <
  const Id extends string,
  const A extends Audience,
  I extends z.ZodType,
  O extends z.ZodType,
  const K extends OperationKind,
  const Ac extends Access | undefined = undefined,
>(
  op: Operation<Id, A, I, O, K, Ac> & RequiredFor<A>,
): Operation<Id, A, I, O, K, Ac> => op;

export type OperationInput<Op extends Operation> = z.input<Op["input"]>;
export type OperationOutput<Op extends Operation> = z.output<Op["output"]>;
/** The input after parsing (defaults applied): what a handler receives. */
export type OperationArgs<Op extends Operation> = z.output<Op["input"]>;

/** True when the operation's input has the field (clients and servers fill some in themselves). */
export const hasInputField = (op: Operation, field: string): boolean =>
  op.input instanceof z.ZodObject && Object.hasOwn(op.input.shape, field);
