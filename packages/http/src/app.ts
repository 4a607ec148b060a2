import {
  agentRouter,
  bearerToken,
  type Context,
  publicRouter,
  retryAfterSecondsOf,
  toPublicError,
  userRouter,
} from "@omnara/api";
import type { Role, TrustProxy } from "@omnara/config";
import { type Audience, allOperations, billingOperationIds, limits, OmnaraError } from "@omnara/contracts";
import {
  type AgentCaller,
  type CoreDeps,
  createRateLimit,
  type PasswordResetDelivery,
  type UserAuthenticator,
} from "@omnara/core";
import type { AnyTRPCRouter } from "@trpc/server";
import { createExpressMiddleware } from "@trpc/server/adapters/express";
import express, { type Express, type Request } from "express";
import { auditExportRoute } from "./audit-export.ts";
import { stripeWebhookRoute } from "./billing/webhook-route.ts";
import { refuseForeignBodies } from "./body-rules.ts";
import { serveDashboard } from "./dashboard.ts";
import { expressErrorHandler, sendError, sendJsonRpcError, sendTrpcError } from "./errors.ts";
import { mcpEndpoint } from "./mcp-endpoint.ts";
import { openApiDocument } from "./openapi.ts";
import { createRestRouter } from "./rest.ts";

export interface AppOptions {
  deps: CoreDeps;
  userAuth: UserAuthenticator;
  role: Role;
  rateLimitPerMinute: number;
  publicRateLimitPerMinute: number;
  allowSignup: boolean;
  /** Supabase Auth's public settings (told to the dashboard), when configured. */
  supabase?: { url: string; anonKey: string } | undefined;
  passwordReset?: PasswordResetDelivery | undefined;
  databaseKind: "pglite" | "postgres";
  /** Who may set X-Forwarded-For; false: the TCP peer is the client. */
  trustProxy: TrustProxy;
  publicUrl?: string | undefined;
  /** The built dashboard (index.html and assets), served at `/` when present. */
  dashboardDir?: string | undefined;
  log: (error: unknown) => void;
}

/** The agent side (write path) and the user side (read path, dashboard) can run apart. */
const audiencesFor = (role: Role): ReadonlySet<Audience> =>
  new Set<Audience>(role === "agent" ? ["agent"] : role === "user" ? ["user", "public"] : ["agent", "user", "public"]);

// Room for the largest field (a 1 MiB diff) plus the rest of a message and JSON escaping.
const MAX_BODY_BYTES = limits.gitDiffChars * 2 + 256 * 1024;

export function createApp(options: AppOptions): Express {
  // Buckets in the database: every server on it enforces one limit together.
  const rateLimiter = createRateLimit(options.deps.db, options.rateLimitPerMinute, "api");
  const publicRateLimiter = createRateLimit(options.deps.db, options.publicRateLimitPerMinute, "public");
  // An EventSource (the dashboard's live stream) cannot send headers; tRPC's SSE link sends the
  // same "Bearer <token>" as a connection parameter instead.
  const createContext = (req: Request, connectionParams?: Record<string, string | undefined> | null): Context => ({
    deps: options.deps,
    userAuth: options.userAuth,
    rateLimiter,
    publicRateLimiter,
    clientAddress: req.ip,
    userAgent: req.get("user-agent"),
    rateLimitSeen: {},
    userSeen: {},
    allowSignup: options.allowSignup,
    supabase: options.supabase,
    passwordReset: options.passwordReset,
    token: bearerToken(req.headers.authorization ?? connectionParams?.["authorization"]),
  });
  const audiences = audiencesFor(options.role);
  // Without billing configured its routes do not exist (tRPC answers NOT_FOUND for them).
  const billing = options.deps.billing;
  const operations = allOperations.filter(
    (op) => audiences.has(op.audience) && (billing !== undefined || !billingOperationIds.has(op.id)),
  );

  const app = express();
  app.disable("x-powered-by");
  // req.ip feeds the per-address limits: a forwarded address counts only from a trusted proxy.
  app.set("trust proxy", options.trustProxy);

  app.get("/healthz", (_req, res) => {
    res.json({ ok: true, role: options.role, database: options.databaseKind });
  });

  app.use(
    "/api/trpc",
    refuseForeignBodies((res, message) => sendTrpcError(res, "UNSUPPORTED_MEDIA_TYPE", message)),
  );
  app.use(
    "/api/v1",
    refuseForeignBodies((res, message) => sendError(res, "UNSUPPORTED_MEDIA_TYPE", message)),
  );
  // -32600: the request is not one the server can take (JSON-RPC's "invalid request").
  app.use(
    "/mcp",
    refuseForeignBodies((res, message) => sendJsonRpcError(res, 415, -32600, message)),
  );

  const trpcRouters: Record<Audience, AnyTRPCRouter> = {
    agent: agentRouter,
    user: userRouter,
    public: publicRouter,
  };
  for (const audience of audiences) {
    app.use(
      `/api/trpc/${audience}`,
      createExpressMiddleware({
        router: trpcRouters[audience],
        createContext: ({ req, info }) => createContext(req, info.connectionParams),
        maxBodySize: MAX_BODY_BYTES,
        responseMeta: ({ errors }) => {
          const seconds = retryAfterSecondsOf(errors.find((error) => error.cause instanceof OmnaraError)?.cause);
          return seconds ? { headers: { "retry-after": String(seconds) } } : {};
        },
        onError: ({ error }) => {
          // A stream that ends on a coded refusal (its caller lost access) reaches tRPC as an
          // internal error; the caller gets the code, and it is not the server's fault to log.
          if ((toPublicError(error) ?? error).code === "INTERNAL_SERVER_ERROR") options.log(error.cause ?? error);
        },
      }),
    );
  }

  const document = openApiDocument(operations, options.publicUrl);
  app.get("/openapi.json", (_req, res) => {
    res.json(document);
  });
  if (billing && audiences.has("user")) app.use(stripeWebhookRoute(options.deps, billing, options.log));
  app.use("/api/v1", express.json({ limit: MAX_BODY_BYTES }));
  app.use(createRestRouter(operations, createContext, options.log));
  if (audiences.has("user")) {
    app.use(auditExportRoute({ deps: options.deps, userAuth: options.userAuth, rateLimiter, log: options.log }));
  }
  app.use("/api", (_req, res) => {
    res.status(404).json({ error: { code: "NOT_FOUND", message: "No such API route." }, detail: "Not Found" });
  });
  if (audiences.has("agent")) {
    // Tool calls run as the API key of the MCP request that carried them (extra.authInfo).
    const contextFor = (token: string, agent: AgentCaller | undefined): Context => ({
      deps: options.deps,
      userAuth: options.userAuth,
      rateLimiter,
      publicRateLimiter,
      clientAddress: undefined,
      userAgent: undefined,
      rateLimitSeen: {},
      userSeen: {},
      allowSignup: options.allowSignup,
      token,
      agent,
    });
    app.all("/mcp", mcpEndpoint(options.deps, contextFor, options.log));
  }
  if (options.dashboardDir && audiences.has("user")) app.use(serveDashboard(options.dashboardDir));
  app.use(expressErrorHandler(options.log));
  return app;
}
