import { MutationCache, QueryCache, QueryClient } from "@tanstack/react-query";
import { session } from "./lib/session.ts";
import { errorCode } from "./lib/trpc.ts";

const CLIENT_ERRORS = new Set([
  "BAD_REQUEST",
  "UNAUTHORIZED",
  "FORBIDDEN",
  "NOT_FOUND",
  "CONFLICT",
  "PAYLOAD_TOO_LARGE",
]);

/** A session that expired or was signed out elsewhere sends the user to sign in, from any call. */
const signOutOnUnauthorized = (error: unknown) => {
  if (errorCode(error) === "UNAUTHORIZED") session.clear("expired");
};

export const createQueryClient = () =>
  new QueryClient({
    queryCache: new QueryCache({ onError: signOutOnUnauthorized }),
    mutationCache: new MutationCache({ onError: signOutOnUnauthorized }),
    defaultOptions: {
      queries: {
        // The live stream keeps data fresh; refetching on every mount would only add load.
        staleTime: 30_000,
        retry: (failures, error) => !CLIENT_ERRORS.has(errorCode(error) ?? "") && failures < 2,
      },
    },
  });
