import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { exportJWK, generateKeyPair, type JWK, jwtVerify, SignJWT } from "jose";

/** A user of the fake project. */
export interface FakeSupabaseUser {
  id: string;
  email: string;
  password: string | undefined;
  /** Unconfirmed emails are what Supabase reports before the user clicks its confirmation. */
  emailConfirmed: boolean;
}

/** Claims a test may override on a token it asks the fake to sign. */
export interface FakeTokenOverrides {
  iss?: string;
  aud?: string;
  /** Seconds from now; negative for a token that has expired. */
  expiresIn?: number;
  email?: string;
  /** The `session_id` claim; a fresh one by default, as a new sign-in has. */
  sessionId?: string;
}

type KeyPair = Awaited<ReturnType<typeof generateKeyPair>>;

interface SigningKey {
  kid: string;
  privateKey: KeyPair["privateKey"];
  publicKey: KeyPair["publicKey"];
  publicJwk: JWK;
}

const TOKEN_SECONDS = 3600;

async function newKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair("ES256", { extractable: true });
  const kid = randomUUID();
  return { kid, privateKey, publicKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: "ES256", use: "sig" } };
}

const readJson = async (req: IncomingMessage): Promise<Record<string, unknown>> => {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  const parsed: unknown = JSON.parse(text);
  return typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>) : {};
};

const text = (value: unknown): string | undefined => (typeof value === "string" ? value : undefined);

/**
 * A local HTTP server standing in for a Supabase project's Auth (GoTrue) API, under /auth/v1:
 * the JWKS at /.well-known/jwks.json, POST /token?grant_type=password|refresh_token, POST /otp
 * (the magic link is kept in `magicLinks` instead of mailed), GET /verify (the link: redirects
 * with the session in the URL fragment, as GoTrue's implicit flow does), GET /authorize (OAuth:
 * the "provider" consents at once for `oauthUser`), GET /user, POST /logout and GET /settings.
 * Access tokens are ES256 JWTs signed by its current key; `rotate()` replaces the key.
 */
export class FakeSupabase implements AsyncDisposable {
  readonly anonKey = `anon-${randomBytes(8).toString("hex")}`;
  readonly users = new Map<string, FakeSupabaseUser>();
  readonly magicLinks: { email: string; link: string }[] = [];
  /** Every request, as "METHOD /path?query", for asserting what supabase-js called. */
  readonly requests: string[] = [];
  /** Who the fake OAuth provider signs in. */
  oauthUser: FakeSupabaseUser | undefined;
  /** Refresh tokens (and magic-link tokens, as `otp:…`) → the user and the session they continue. */
  private refreshTokens = new Map<string, { userId: string; sessionId: string }>();
  private constructor(
    private readonly server: Server,
    readonly url: string,
    private key: SigningKey,
  ) {}

  static async start(): Promise<FakeSupabase> {
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    const fake = new FakeSupabase(server, `http://127.0.0.1:${port}`, await newKey());
    server.on("request", (req, res) => {
      fake.handle(req, res).catch((error: unknown) => {
        res.writeHead(500, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: "server_error", error_description: String(error) }));
      });
    });
    return fake;
  }

  get issuer(): string {
    return `${this.url}/auth/v1`;
  }

  addUser(email: string, options: { password?: string; emailConfirmed?: boolean } = {}): FakeSupabaseUser {
    const user: FakeSupabaseUser = {
      id: randomUUID(),
      email: email.toLowerCase(),
      password: options.password,
      emailConfirmed: options.emailConfirmed ?? true,
    };
    this.users.set(user.id, user);
    return user;
  }

  /** A new signing key; the JWKS serves only it from now on. Returns the retired key's id. */
  async rotate(): Promise<string> {
    const old = this.key.kid;
    this.key = await newKey();
    return old;
  }

  /** An access token for `user`, signed by the current key, with claims a test may bend. */
  async accessToken(user: FakeSupabaseUser, overrides: FakeTokenOverrides = {}): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    return new SignJWT({
      email: overrides.email ?? user.email,
      phone: "",
      role: "authenticated",
      aal: "aal1",
      session_id: overrides.sessionId ?? randomUUID(),
      is_anonymous: false,
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
    })
      .setProtectedHeader({ alg: "ES256", kid: this.key.kid, typ: "JWT" })
      .setSubject(user.id)
      .setIssuer(overrides.iss ?? this.issuer)
      .setAudience(overrides.aud ?? "authenticated")
      .setIssuedAt(now)
      .setExpirationTime(now + (overrides.expiresIn ?? TOKEN_SECONDS))
      .sign(this.key.privateKey);
  }

  private userJson(user: FakeSupabaseUser) {
    const at = new Date().toISOString();
    return {
      id: user.id,
      aud: "authenticated",
      role: "authenticated",
      email: user.email,
      email_confirmed_at: user.emailConfirmed ? at : null,
      phone: "",
      confirmed_at: user.emailConfirmed ? at : null,
      last_sign_in_at: at,
      app_metadata: { provider: "email", providers: ["email"] },
      user_metadata: {},
      identities: [],
      created_at: at,
      updated_at: at,
      is_anonymous: false,
    };
  }

  /** A sign-in's session; a refresh continues one (GoTrue keeps its `session_id`). */
  private async session(user: FakeSupabaseUser, sessionId: string = randomUUID()) {
    const refreshToken = randomBytes(16).toString("hex");
    this.refreshTokens.set(refreshToken, { userId: user.id, sessionId });
    return {
      access_token: await this.accessToken(user, { sessionId }),
      token_type: "bearer",
      expires_in: TOKEN_SECONDS,
      expires_at: Math.floor(Date.now() / 1000) + TOKEN_SECONDS,
      refresh_token: refreshToken,
      user: this.userJson(user),
    };
  }

  private async fragmentFor(user: FakeSupabaseUser, type: string): Promise<string> {
    const session = await this.session(user);
    return new URLSearchParams({
      access_token: session.access_token,
      expires_at: String(session.expires_at),
      expires_in: String(session.expires_in),
      refresh_token: session.refresh_token,
      token_type: "bearer",
      type,
    }).toString();
  }

  private async userOfBearer(req: IncomingMessage): Promise<FakeSupabaseUser | undefined> {
    const token = req.headers.authorization?.replace(/^Bearer\s+/i, "");
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.key.publicKey, { issuer: this.issuer });
      return payload.sub ? this.users.get(payload.sub) : undefined;
    } catch {
      return undefined;
    }
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", this.url);
    this.requests.push(`${req.method} ${url.pathname}${url.search}`);
    const cors = {
      "access-control-allow-origin": req.headers.origin ?? "*",
      "access-control-allow-headers": req.headers["access-control-request-headers"] ?? "*",
      "access-control-allow-methods": "GET, POST, PUT, DELETE, OPTIONS",
    };
    const json = (status: number, body: unknown) => {
      res.writeHead(status, { ...cors, "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    const redirect = (location: string) => {
      res.writeHead(303, { ...cors, location });
      res.end();
    };
    if (req.method === "OPTIONS") {
      res.writeHead(204, cors);
      res.end();
      return;
    }
    const route = `${req.method} ${url.pathname}`;
    switch (route) {
      case "GET /auth/v1/.well-known/jwks.json":
        return json(200, { keys: [this.key.publicJwk] });
      case "GET /auth/v1/settings":
        return json(200, {
          external: { email: true, github: true, google: true, apple: false },
          disable_signup: false,
          mailer_autoconfirm: false,
        });
      case "POST /auth/v1/token": {
        if (req.headers["apikey"] !== this.anonKey) return json(401, { message: "Invalid API key" });
        const body = await readJson(req);
        const grant = url.searchParams.get("grant_type");
        if (grant === "refresh_token") {
          const refresh = text(body["refresh_token"]) ?? "";
          const held = this.refreshTokens.get(refresh);
          const user = held ? this.users.get(held.userId) : undefined;
          if (!held || !user) return json(400, { error: "invalid_grant", error_description: "Invalid Refresh Token" });
          // Rotation: the used refresh token is spent, the session goes on.
          this.refreshTokens.delete(refresh);
          return json(200, await this.session(user, held.sessionId));
        }
        const email = text(body["email"])?.toLowerCase();
        const user = [...this.users.values()].find((u) => u.email === email);
        if (grant !== "password" || !user || !user.password || user.password !== text(body["password"])) {
          return json(400, { code: 400, error_code: "invalid_credentials", msg: "Invalid login credentials" });
        }
        if (!user.emailConfirmed)
          return json(400, { code: 400, error_code: "email_not_confirmed", msg: "Email not confirmed" });
        return json(200, await this.session(user));
      }
      case "POST /auth/v1/otp": {
        const body = await readJson(req);
        const email = text(body["email"])?.toLowerCase();
        if (!email) return json(400, { code: 400, error_code: "validation_failed", msg: "email required" });
        const user =
          [...this.users.values()].find((u) => u.email === email) ?? this.addUser(email, { emailConfirmed: true });
        const token = randomBytes(16).toString("hex");
        this.refreshTokens.set(`otp:${token}`, { userId: user.id, sessionId: randomUUID() });
        const redirectTo = url.searchParams.get("redirect_to") ?? this.url;
        const link = `${this.issuer}/verify?${new URLSearchParams({ token, type: "magiclink", redirect_to: redirectTo })}`;
        this.magicLinks.push({ email, link });
        return json(200, {});
      }
      case "GET /auth/v1/verify": {
        const held = this.refreshTokens.get(`otp:${url.searchParams.get("token") ?? ""}`);
        const user = held ? this.users.get(held.userId) : undefined;
        const back = url.searchParams.get("redirect_to") ?? this.url;
        if (!user) return redirect(`${back}#error=access_denied&error_code=otp_expired`);
        this.refreshTokens.delete(`otp:${url.searchParams.get("token")}`);
        user.emailConfirmed = true;
        return redirect(`${back}#${await this.fragmentFor(user, "magiclink")}`);
      }
      case "GET /auth/v1/authorize": {
        const back = url.searchParams.get("redirect_to") ?? this.url;
        if (!this.oauthUser) return redirect(`${back}#error=access_denied&error_description=no+provider+user`);
        return redirect(`${back}#${await this.fragmentFor(this.oauthUser, "signup")}`);
      }
      case "GET /auth/v1/user": {
        const user = await this.userOfBearer(req);
        if (!user) return json(401, { code: 401, error_code: "bad_jwt", msg: "invalid JWT" });
        return json(200, this.userJson(user));
      }
      case "POST /auth/v1/logout":
        res.writeHead(204, cors);
        res.end();
        return;
      default:
        return json(404, { code: 404, msg: `no route ${route}` });
    }
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  [Symbol.asyncDispose](): Promise<void> {
    return this.close();
  }
}
