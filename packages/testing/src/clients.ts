import type { AgentRouter, PublicRouter, UserRouter } from "@omnara/api";
import type { ErrorBody } from "@omnara/contracts";
import { createTRPCClient, httpBatchLink, httpLink } from "@trpc/client";

const headers = (token: string | undefined): Record<string, string> =>
  token ? { authorization: `Bearer ${token}` } : {};

/** Typed tRPC clients over HTTP, as the SDK and dashboard use them. */
export const agentClient = (url: string, apiKey: string) =>
  createTRPCClient<AgentRouter>({
    links: [httpLink({ url: `${url}/api/trpc/agent`, headers: () => headers(apiKey) })],
  });

export const userClient = (url: string, token: string) =>
  createTRPCClient<UserRouter>({ links: [httpLink({ url: `${url}/api/trpc/user`, headers: () => headers(token) })] });

/** A user client whose calls of one turn go in one request, as the dashboard's do (httpBatchLink). */
export const batchedUserClient = (url: string, token: string) =>
  createTRPCClient<UserRouter>({
    links: [httpBatchLink({ url: `${url}/api/trpc/user`, headers: () => headers(token) })],
  });

export const publicClient = (url: string) =>
  createTRPCClient<PublicRouter>({ links: [httpLink({ url: `${url}/api/trpc/public` })] });

export interface RestResponse {
  status: number;
  headers: Headers;
  // The body is whatever the server sent; tests assert on its fields.
  body: Record<string, unknown> & Partial<ErrorBody>;
}

/** A plain JSON call to the REST API, as curl, Python or n8n would make it. */
export async function rest(
  url: string,
  method: string,
  path: string,
  options: { token?: string; body?: unknown; rawBody?: string } = {},
): Promise<RestResponse> {
  const response = await fetch(`${url}${path}`, {
    method,
    headers: {
      ...headers(options.token),
      ...(options.body !== undefined || options.rawBody ? { "content-type": "application/json" } : {}),
    },
    body: options.rawBody ?? (options.body === undefined ? undefined : JSON.stringify(options.body)),
  });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : {} };
}

let counter = 0;

/** Signs a new user up and gives it an API key. */
export async function newUserWithKey(url: string, name = "user") {
  counter += 1;
  const email = `${name}-${counter}-${Date.now()}@example.com`;
  const session = await publicClient(url).signUp.mutate({ email, password: "correct horse battery" });
  const user = userClient(url, session.token);
  const key = await user.createApiKey.mutate({ name: `${name} key` });
  return {
    email,
    userId: session.user.id,
    sessionToken: session.token,
    apiKey: key.api_key,
    apiKeyId: key.id,
    user,
    agent: agentClient(url, key.api_key),
  };
}
