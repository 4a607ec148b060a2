import { schema } from "@omnara/db";
import {
  describeEachDatabase,
  eventually,
  FakeSupabase,
  publicClient,
  rest,
  startTestServer,
  type TestServer,
  userClient,
} from "@omnara/testing";
import { AuthClient } from "@supabase/supabase-js";
import { eq } from "drizzle-orm";
import { decodeJwt, SignJWT } from "jose";
import { afterAll, beforeAll, expect, test } from "vitest";

const JWT_SECRET = "legacy-hs256-secret-of-the-project";
const CONCURRENT = 20;
const ROUNDS = 5;
const RACE_ROUNDS = 100;
const RACE_WIDTH = 6;
const PHONE = "Mozilla/5.0 (iPhone)";

describeEachDatabase("Supabase Auth for web users", (kind) => {
  let supabase: FakeSupabase;
  let server: TestServer;
  beforeAll(async () => {
    supabase = await FakeSupabase.start();
    server = await startTestServer(kind, {
      env: {
        SUPABASE_URL: supabase.url,
        SUPABASE_ANON_KEY: supabase.anonKey,
        SUPABASE_JWT_SECRET: JWT_SECRET,
        SUPABASE_JWKS_CACHE_SECONDS: "1",
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await supabase.close();
  });

  let counter = 0;
  const email = (name: string) => `${name}-${++counter}-${Date.now()}@example.com`;
  const meOf = (token: string) => rest(server.url, "GET", "/api/v1/auth/me", { token });
  const sessionsWithId = async (id: string) =>
    server.database.db.select().from(schema.userSessions).where(eq(schema.userSessions.supabaseSessionId, id));
  const usersWithSub = async (sub: string) =>
    server.database.db.select().from(schema.users).where(eq(schema.users.supabaseUserId, sub));

  /**
   * supabase-js's auth client (what createClient(...).auth is), pointed at the fake project;
   * createClient itself needs a WebSocket for realtime, which Node 20 lacks. The dashboard's
   * Chromium test goes through createClient.
   */
  const supabaseJs = () => ({
    auth: new AuthClient({
      url: supabase.issuer,
      headers: { apikey: supabase.anonKey, authorization: `Bearer ${supabase.anonKey}` },
      persistSession: false,
      autoRefreshToken: false,
      detectSessionInUrl: false,
    }),
  });

  test("the server says Supabase is on; supabase-js signs in and its access token is the bearer", async () => {
    const config = await publicClient(server.url).authConfig.query({});
    expect(config.supabase).toEqual({ url: supabase.url, anon_key: supabase.anonKey });

    const user = supabase.addUser(email("ada"), { password: "supabase password" });
    const { data, error } = await supabaseJs().auth.signInWithPassword({
      email: user.email,
      password: "supabase password",
    });
    expect(error).toBeNull();
    expect(supabase.requests).toContain("POST /auth/v1/token?grant_type=password");
    const token = data.session?.access_token ?? "";
    const me = await meOf(token);
    expect([me.status, me.body["email"]]).toEqual([200, user.email]);
    // Our row, linked by Supabase user id, without a local password.
    const rows = await usersWithSub(user.id);
    expect(rows.map((r) => [r.id, r.email, r.passwordHash])).toEqual([[me.body["id"], user.email, null]]);
    // The session works for the whole user API: an agent key made with it.
    const key = await userClient(server.url, token).createApiKey.mutate({ name: "from supabase" });
    expect(key.api_key).toMatch(/^ey/);

    const wrong = await supabaseJs().auth.signInWithPassword({ email: user.email, password: "not it" });
    expect(wrong.error?.message).toMatch(/Invalid login credentials/);
  });

  test("expired, wrong-issuer, wrong-audience and foreign-key tokens are refused with 401", async () => {
    const user = supabase.addUser(email("eve"));
    expect((await meOf(await supabase.accessToken(user))).status).toBe(200);
    for (const overrides of [
      { expiresIn: -60 },
      { iss: "https://another-project.supabase.co/auth/v1" },
      { iss: `${supabase.url}/auth/v2` },
      { aud: "anon" },
    ]) {
      const refused = await meOf(await supabase.accessToken(user, overrides));
      expect([overrides, refused.status, refused.body.error?.code]).toEqual([overrides, 401, "UNAUTHORIZED"]);
    }
    // Signed with a key the project never published.
    const stranger = await FakeSupabase.start();
    try {
      const forged = await stranger.accessToken(user, { iss: supabase.issuer });
      expect((await meOf(forged)).status).toBe(401);
    } finally {
      await stranger.close();
    }
    expect(server.loggedErrors).toEqual([]);
  });

  test("key rotation: the new key is fetched on first sight, the rotated-away key is refused", async () => {
    const user = supabase.addUser(email("rot"));
    const old = await supabase.accessToken(user);
    expect((await meOf(old)).status).toBe(200);
    await supabase.rotate();
    const fresh = await supabase.accessToken(user);
    // jose reads the JWKS again for the unknown key id once its cooldown (1 s here) has passed.
    await eventually("the rotated-in key is accepted", async () => (await meOf(fresh)).status === 200, 15_000);
    expect((await meOf(old)).status).toBe(401);
  });

  test("legacy HS256 tokens verify with the project's JWT secret, and with no other", async () => {
    const user = supabase.addUser(email("hs"));
    const sign = (secret: string) =>
      new SignJWT({ email: user.email, role: "authenticated" })
        .setProtectedHeader({ alg: "HS256", typ: "JWT" })
        .setSubject(user.id)
        .setIssuer(supabase.issuer)
        .setAudience("authenticated")
        .setExpirationTime("1h")
        .sign(new TextEncoder().encode(secret));
    expect((await meOf(await sign(JWT_SECRET))).status).toBe(200);
    expect((await meOf(await sign(`${JWT_SECRET}-not`))).status).toBe(401);
  });

  test(`${CONCURRENT} concurrent first requests make one user (${ROUNDS} rounds)`, async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const user = supabase.addUser(email(`race${round}`));
      const token = await supabase.accessToken(user);
      const answers = await Promise.all(Array.from({ length: CONCURRENT }, () => meOf(token)));
      expect(answers.map((a) => a.status)).toEqual(Array(CONCURRENT).fill(200));
      expect(new Set(answers.map((a) => a.body["id"])).size).toBe(1);
      expect(await usersWithSub(user.id)).toHaveLength(1);
    }
    expect(server.loggedErrors).toEqual([]);
  });

  test(`concurrent first requests of a new user's new session: one user, one session (${RACE_ROUNDS} rounds of ${RACE_WIDTH})`, async () => {
    for (let round = 0; round < RACE_ROUNDS; round++) {
      const user = supabase.addUser(email(`first${round}`));
      const token = await supabase.accessToken(user);
      const answers = await Promise.all(Array.from({ length: RACE_WIDTH }, () => meOf(token)));
      expect(answers.map((a) => a.status)).toEqual(Array(RACE_WIDTH).fill(200));
      expect(await usersWithSub(user.id)).toHaveLength(1);
      const sessionId = String(decodeJwt(token)["session_id"]);
      expect(await sessionsWithId(sessionId)).toHaveLength(1);
    }
    expect(server.loggedErrors).toEqual([]);
  }, 300_000);

  test("each Supabase session is listed with its device; a revoked one's tokens are refused, refreshed or not", async () => {
    const user = supabase.addUser(email("sam"), { password: "supabase password" });
    const signIn = async () => {
      const { data, error } = await supabaseJs().auth.signInWithPassword({
        email: user.email,
        password: "supabase password",
      });
      expect(error).toBeNull();
      return { access: data.session?.access_token ?? "", refresh: data.session?.refresh_token ?? "" };
    };
    const refresh = async (refreshToken: string) => {
      const { data, error } = await supabaseJs().auth.refreshSession({ refresh_token: refreshToken });
      expect(error).toBeNull();
      return { access: data.session?.access_token ?? "", refresh: data.session?.refresh_token ?? "" };
    };
    const meFrom = async (token: string, userAgent = "a test") =>
      (
        await fetch(`${server.url}/api/v1/auth/me`, {
          headers: { authorization: `Bearer ${token}`, "user-agent": userAgent },
        })
      ).status;

    const laptop = await signIn();
    const phone = await signIn();
    expect([await meFrom(laptop.access, "laptop"), await meFrom(phone.access, PHONE)]).toEqual([200, 200]);
    const listed = async () => (await userClient(server.url, laptop.access).listSessions.query({})).sessions;
    expect((await listed()).map((s) => [s.user_agent, s.current]).sort()).toEqual([
      ["Mozilla/5.0 (iPhone)", false],
      ["laptop", true],
    ]);
    // A refreshed token goes on with its session: still two sessions, the phone's used again.
    const phoneLater = await refresh(phone.refresh);
    expect(phoneLater.access).not.toBe(phone.access);
    expect(await meFrom(phoneLater.access, PHONE)).toBe(200);
    const sessions = await listed();
    expect(sessions).toHaveLength(2);
    const phoneSession = sessions.find((s) => s.user_agent === PHONE);

    // Another account cannot revoke it (404, nothing changed).
    const stranger = supabase.addUser(email("stranger"));
    await expect(
      userClient(server.url, await supabase.accessToken(stranger)).revokeSession.mutate({ id: phoneSession?.id ?? "" }),
    ).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    expect(await meFrom(phoneLater.access)).toBe(200);

    await userClient(server.url, laptop.access).revokeSession.mutate({ id: phoneSession?.id ?? "" });
    expect([await meFrom(phone.access), await meFrom(phoneLater.access)]).toEqual([401, 401]);
    // Supabase still refreshes it, but a token of the revoked session is refused here.
    expect(await meFrom((await refresh(phoneLater.refresh)).access)).toBe(401);
    expect(await meFrom(laptop.access)).toBe(200);

    // A new sign-in is a new session; signing out ends just that one; everywhere ends the rest.
    const tablet = await signIn();
    const desk = await signIn();
    expect([await meFrom(tablet.access), await meFrom(desk.access)]).toEqual([200, 200]);
    await userClient(server.url, tablet.access).signOut.mutate({});
    expect([await meFrom(tablet.access), await meFrom(desk.access)]).toEqual([401, 200]);
    const everywhere = await userClient(server.url, laptop.access).signOutEverywhere.mutate({});
    expect(everywhere.revoked).toBe(2);
    expect([await meFrom(laptop.access), await meFrom(desk.access)]).toEqual([401, 401]);
    expect(await meFrom((await signIn()).access)).toBe(200);
  });

  test("an existing local account is linked when Supabase has confirmed the same email, not before", async () => {
    const address = email("local");
    const local = await publicClient(server.url).signUp.mutate({ email: address, password: "local password!" });
    const unconfirmed = supabase.addUser(address, { emailConfirmed: false });
    const early = await meOf(await supabase.accessToken(unconfirmed));
    expect([early.status, early.body.error?.code]).toEqual([403, "FORBIDDEN"]);
    expect(await usersWithSub(unconfirmed.id)).toEqual([]);

    unconfirmed.emailConfirmed = true;
    const concurrent = await Promise.all(
      Array.from({ length: CONCURRENT }, async () => meOf(await supabase.accessToken(unconfirmed))),
    );
    expect(concurrent.map((a) => [a.status, a.body["id"]])).toEqual(Array(CONCURRENT).fill([200, local.user.id]));
    expect((await usersWithSub(unconfirmed.id)).map((r) => r.id)).toEqual([local.user.id]);
  });

  test("the email follows Supabase's", async () => {
    const user = supabase.addUser(email("mover"));
    const first = await meOf(await supabase.accessToken(user));
    const moved = email("moved");
    const after = await meOf(await supabase.accessToken(user, { email: moved }));
    expect([after.status, after.body["id"], after.body["email"]]).toEqual([200, first.body["id"], moved]);
  });
});
