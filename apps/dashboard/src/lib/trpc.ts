import type { PublicRouter, UserRouter } from "@omnara/api";
import {
  createTRPCClient,
  httpBatchLink,
  httpLink,
  httpSubscriptionLink,
  splitLink,
  TRPCClientError,
} from "@trpc/client";
import { createTRPCContext } from "@trpc/tanstack-react-query";
import { session } from "./session.ts";

export const { TRPCProvider, useTRPC, useTRPCClient } = createTRPCContext<UserRouter>();

const bearer = (): Record<string, string> => {
  const token = session.get();
  return token ? { authorization: `Bearer ${token}` } : {};
};

/** User calls batch over HTTP; the live stream is SSE, which carries the token as a parameter. */
export const createUserClient = () =>
  createTRPCClient<UserRouter>({
    links: [
      splitLink({
        condition: (op) => op.type === "subscription",
        true: httpSubscriptionLink({ url: "/api/trpc/user", connectionParams: bearer }),
        false: httpBatchLink({ url: "/api/trpc/user", headers: bearer }),
      }),
    ],
  });

export const publicClient = createTRPCClient<PublicRouter>({ links: [httpLink({ url: "/api/trpc/public" })] });

/** The error code the server sent (NOT_FOUND, UNAUTHORIZED…), if the error came from it. */
export function errorCode(error: unknown): string | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null && "code" in data && typeof data.code === "string"
    ? data.code
    : undefined;
}

/** The HTTP status the server refused with (403, 409…), if the error came from it. */
export function errorStatus(error: unknown): number | undefined {
  if (!(error instanceof TRPCClientError)) return undefined;
  const data: unknown = error.data;
  return typeof data === "object" && data !== null && "httpStatus" in data && typeof data.httpStatus === "number"
    ? data.httpStatus
    : undefined;
}

/** The messages of the server's input issues ("must be the 8-letter code…"), if it sent any. */
function issueMessages(data: unknown): string[] {
  if (typeof data !== "object" || data === null || !("issues" in data) || !Array.isArray(data.issues)) return [];
  return data.issues.flatMap((issue: unknown) =>
    typeof issue === "object" && issue !== null && "message" in issue && typeof issue.message === "string"
      ? [issue.message]
      : [],
  );
}

const sentence = (text: string): string =>
  `${text.charAt(0).toUpperCase()}${text.slice(1)}${/[.!?]$/.test(text) ? "" : "."}`;

/** A message fit for a person: the server's (its input issues rather than "Invalid input"), or a plain one when the network failed. */
export function errorMessage(error: unknown): string {
  if (error instanceof TRPCClientError) {
    if (errorCode(error) === undefined) return "Can't reach the server. Check your connection and try again.";
    const issues = issueMessages(error.data);
    return issues.length > 0 ? issues.map(sentence).join(" ") : error.message;
  }
  return error instanceof Error ? error.message : "Something went wrong.";
}
