import type { InstanceRole, Operation, OperationArgs, TeamRole } from "@omnara/contracts";
import type { InstanceAccess, InviteAccess, TeamAccess } from "@omnara/core";
import type {
  AnyTRPCProcedure,
  inferProcedureBuilderResolverOptions,
  TRPCMutationProcedure,
  TRPCProcedureBuilder,
  TRPCQueryProcedure,
  TRPCSubscriptionProcedure,
  TRPCUnsetMarker,
  TrackedEnvelope,
} from "@trpc/server";
import type { z } from "zod";
import { authorize, type CallerContext } from "./access.ts";
import type { Context } from "./context.ts";
import { revokedError, watchCredential } from "./credential-watch.ts";

type Unset = TRPCUnsetMarker;

/** A base procedure (public, agent or user) before any input or output is set. */
type BaseProcedure = TRPCProcedureBuilder<Context, object, object, Unset, Unset, Unset, Unset, false, unknown>;

type MaybePromise<T> = T | Promise<T>;

type RuleOf<Op extends Operation> = NonNullable<Op["access"]>;

/**
 * What an instance rule adds to the context: the caller's access to the named instance, checked
 * (absent when the rule is optional and no instance was named).
 */
type InstanceContext<Op extends Operation> =
  RuleOf<Op> extends { instance: InstanceRole }
    ? RuleOf<Op> extends { optional: true }
      ? { access: InstanceAccess | undefined }
      : { access: InstanceAccess }
    : unknown;

/** What a team rule adds: the caller's membership of the named team; an invite rule, the invite. */
type TeamContext<Op extends Operation> = (RuleOf<Op> extends { team: TeamRole } ? { team: TeamAccess } : unknown) &
  (RuleOf<Op> extends { invite: "recipient" } ? { invite: InviteAccess } : unknown);

type AccessContext<Op extends Operation> = InstanceContext<Op> & TeamContext<Op>;

/** What a handler receives: the base procedure's context and the contract's parsed input. */
export interface HandlerOptions<B extends BaseProcedure, Op extends Operation> {
  ctx: inferProcedureBuilderResolverOptions<B>["ctx"] & AccessContext<Op>;
  input: OperationArgs<Op>;
  /** Aborted when the client goes away: long waits end with it. */
  signal: AbortSignal | undefined;
}

/** Subscriptions yield tracked events (tRPC's SSE link resumes from the last id). */
type HandlerResult<Op extends Operation> = Op["kind"] extends "subscription"
  ? MaybePromise<AsyncIterable<TrackedEnvelope<z.output<Op["output"]>>>>
  : MaybePromise<z.input<Op["output"]>>;

/** The one call into core behind a procedure. */
export type Handler<B extends BaseProcedure, Op extends Operation> = (opts: HandlerOptions<B, Op>) => HandlerResult<Op>;

type MetaOf<B> =
  B extends TRPCProcedureBuilder<infer _C, infer M, infer _O, Unset, Unset, Unset, Unset, false, infer _E> ? M : never;
type ErrorShapeOf<B> =
  B extends TRPCProcedureBuilder<infer _C, infer _M, infer _O, Unset, Unset, Unset, Unset, false, infer E> ? E : never;

interface Def<B, Input, Output> {
  input: Input;
  output: Output;
  meta: MetaOf<B>;
  errorShape: ErrorShapeOf<B>;
}

/** What tRPC's SSE link hands the client for each tracked event. */
interface TrackedData<T> {
  id: string;
  data: T;
}

/** The procedure type tRPC would infer for `base.input(op.input).output(op.output)[op.kind](handler)`. */
export type ProcedureFor<B extends BaseProcedure, Op extends Operation> = Op["kind"] extends "query"
  ? TRPCQueryProcedure<Def<B, z.input<Op["input"]>, z.output<Op["output"]>>>
  : Op["kind"] extends "mutation"
    ? TRPCMutationProcedure<Def<B, z.input<Op["input"]>, z.output<Op["output"]>>>
    : TRPCSubscriptionProcedure<
        Def<B, z.input<Op["input"]>, AsyncIterable<TrackedData<z.output<Op["output"]>>, void, unknown>>
      >;

/** A built router record over the registry: one procedure per operation, of the operation's kind. */
export type ProceduresFor<B extends BaseProcedure, Ops extends Record<string, Operation>> = {
  [K in keyof Ops]: ProcedureFor<B, Ops[K]>;
};

/** A handler per operation of the registry; a missing one is a type error. */
export type HandlersFor<B extends BaseProcedure, Ops extends Record<string, Operation>> = {
  [K in keyof Ops]: Handler<B, Ops[K]>;
};

/** The untyped form every procedure is built with; the typed signatures above describe its result. */
type LooseHandler = (opts: { ctx: CallerContext; input: unknown; signal: AbortSignal | undefined }) => unknown;

/**
 * A first attempt run before the access rule is checked, for an operation whose usual caller owns
 * the instance: it must act only on the caller's own instance, proven by its own statement (core
 * functions named `…AsOwner`), and answer undefined for anything else; the access rule is then
 * checked and the handler runs as usual. The access check's round trip is saved for owners.
 */
export type OwnerFirst<B extends BaseProcedure, Op extends Operation> = (opts: {
  ctx: inferProcedureBuilderResolverOptions<B>["ctx"];
  input: OperationArgs<Op>;
}) => Promise<z.input<Op["output"]> | undefined>;

export type OwnerFirstFor<B extends BaseProcedure, Ops extends Record<string, Operation>> = {
  [K in keyof Ops]?: OwnerFirst<B, Ops[K]>;
};

type LooseOwnerFirst = (opts: { ctx: CallerContext; input: unknown }) => Promise<unknown>;

const isAsyncIterable = (value: unknown): value is AsyncIterable<unknown> =>
  typeof value === "object" && value !== null && Symbol.asyncIterator in value;

/**
 * One procedure from its contract: the base procedure (auth, limits), the contract's input and
 * output schemas and kind, and the handler's one call into core.
 */
export function fromContract<B extends BaseProcedure, Op extends Operation>(
  base: B,
  op: Op,
  handler: Handler<B, Op>,
  ownerFirst?: OwnerFirst<B, Op>,
): ProcedureFor<B, Op>;
export function fromContract(
  base: BaseProcedure,
  op: Operation,
  unchecked: LooseHandler,
  ownerFirst?: LooseOwnerFirst,
): AnyTRPCProcedure {
  // Refused when the router is built, so an operation without a rule never reaches a server.
  if (op.audience === "user" && !op.access) throw new Error(`${op.id}: a user operation needs an access rule.`);
  const withInput = base.input(op.input);
  const checked = withAccessRule(op, unchecked, ownerFirst);
  // Only a call that waits on a person stays open long enough to outlive its credential; a short
  // one (signOut, signOutEverywhere revoke their own) must not race its own announcement.
  const handler = op.waits ? untilRevoked(checked) : checked;
  switch (op.kind) {
    case "query":
      return withInput.output(op.output).query(handler);
    case "mutation":
      return withInput.output(op.output).mutation(handler);
    case "subscription":
      // No output parser: tRPC would parse the stream object, not each event. The events' schema
      // is the contract's documentation and the client's type.
      return withInput.subscription(async (opts) => {
        const watch = watchCredential(opts.ctx, opts.signal);
        const stream = await handler(watch ? { ...opts, signal: watch.signal } : opts);
        if (!isAsyncIterable(stream)) throw new Error(`${op.id}: the handler returned no stream.`);
        return watch ? endsWhenRevoked(stream, watch) : stream;
      });
  }
}

/** The operation's access rule, checked before its handler runs; what it found goes in the context. */
function withAccessRule(op: Operation, handler: LooseHandler, ownerFirst?: LooseOwnerFirst): LooseHandler {
  // An owner's attempt stands in for an instance rule only: a team rule is never skipped.
  const rule = op.access;
  if (ownerFirst && !(rule && rule !== "account" && "instance" in rule && !("team" in rule && rule.team))) {
    throw new Error(`${op.id}: an owner-first attempt needs an instance access rule and no other.`);
  }
  return async (opts) => {
    if (ownerFirst) {
      const done = await ownerFirst(opts);
      if (done !== undefined) return done;
    }
    const granted = await authorize(op, opts.ctx, opts.input);
    return handler({ ...opts, ctx: { ...opts.ctx, ...granted } });
  };
}

/** A call whose credential is revoked while it runs (a long wait) ends with UNAUTHORIZED. */
const untilRevoked =
  (handler: LooseHandler): LooseHandler =>
  async (opts) => {
    const watch = watchCredential(opts.ctx, opts.signal);
    if (!watch) return handler(opts);
    try {
      const result = await handler({ ...opts, signal: watch.signal });
      if (watch.revoked) throw revokedError();
      return result;
    } finally {
      watch.stop();
    }
  };

async function* endsWhenRevoked<T>(stream: AsyncIterable<T>, watch: NonNullable<ReturnType<typeof watchCredential>>) {
  try {
    for await (const event of stream) yield event;
    if (watch.revoked) throw revokedError();
  } finally {
    watch.stop();
  }
}

/**
 * Every operation of a registry as a procedure, keyed as the registry is: a router built from
 * this has exactly the registry's operations, by construction.
 */
export function proceduresFor<B extends BaseProcedure, Ops extends Record<string, Operation>>(
  base: B,
  ops: Ops,
  handlers: HandlersFor<B, Ops>,
  ownerFirst?: OwnerFirstFor<B, Ops>,
): ProceduresFor<B, Ops>;
export function proceduresFor(
  base: BaseProcedure,
  ops: Record<string, Operation>,
  handlers: Record<string, LooseHandler>,
  ownerFirst: Record<string, LooseOwnerFirst | undefined> = {},
): Record<string, AnyTRPCProcedure> {
  return Object.fromEntries(
    Object.entries(ops).map(([key, op]) => {
      const handler = handlers[key];
      if (!handler) throw new Error(`No handler for operation ${key}.`);
      return [key, fromContract(base, op, handler, ownerFirst[key])];
    }),
  );
}
