import { type OperationInput, type OperationOutput, publicOperations } from "@omnara/contracts";
import { createTRPCUntypedClient, httpLink, TRPCClientError } from "@trpc/client";
import { CliError } from "./cli-error.ts";

type PublicOps = typeof publicOperations;

/**
 * The public (no key yet) operations `omnara login` needs, over the same tRPC endpoint the
 * dashboard uses. Answers are parsed with the contract's own output schema.
 */
export function publicApi(baseUrl: string) {
  const client = createTRPCUntypedClient({ links: [httpLink({ url: `${baseUrl}/api/trpc/public` })] });
  const call = async (id: keyof PublicOps, input: unknown, signal?: AbortSignal): Promise<unknown> => {
    try {
      return await client.mutation(id, input, { signal });
    } catch (error) {
      throw explain(error, baseUrl);
    }
  };
  return {
    startCliLogin: async (
      input: OperationInput<PublicOps["startCliLogin"]>,
    ): Promise<OperationOutput<PublicOps["startCliLogin"]>> =>
      publicOperations.startCliLogin.output.parse(await call("startCliLogin", input)),
    pollCliLogin: async (
      input: OperationInput<PublicOps["pollCliLogin"]>,
      signal?: AbortSignal,
    ): Promise<OperationOutput<PublicOps["pollCliLogin"]>> =>
      publicOperations.pollCliLogin.output.parse(await call("pollCliLogin", input, signal)),
  };
}

function explain(error: unknown, baseUrl: string): unknown {
  if (!(error instanceof TRPCClientError)) return error;
  const code: unknown = error.data && typeof error.data === "object" ? Reflect.get(error.data, "code") : undefined;
  if (code === undefined) {
    return new CliError(
      "SERVER_UNREACHABLE",
      `Cannot reach the Omnara server at ${baseUrl} (${error.message}).`,
      "Start one with `omnara serve`, or point at yours with --base-url / OMNARA_BASE_URL.",
    );
  }
  if (code === "NOT_FOUND") return new CliError("LOGIN_EXPIRED", error.message, "Run `omnara login` again.");
  return new CliError("SERVER_ERROR", `The server answered: ${error.message}`);
}
