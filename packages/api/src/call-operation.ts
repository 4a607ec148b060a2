import { type Operation, procedurePath } from "@omnara/contracts";
import { callTRPCProcedure } from "@trpc/server";
import type { Context } from "./context.ts";
import { appRouter } from "./root.ts";

/**
 * Runs an operation through its tRPC procedure (auth, rate limit, validation, output check)
 * for the surfaces that are not tRPC: REST and MCP. Input is validated by the procedure.
 */
export function callOperation(ctx: Context, op: Operation, input: unknown, signal?: AbortSignal): Promise<unknown> {
  return callTRPCProcedure({
    router: appRouter,
    path: procedurePath(op),
    getRawInput: async () => input,
    ctx,
    type: op.kind,
    signal,
    batchIndex: 0,
  });
}
