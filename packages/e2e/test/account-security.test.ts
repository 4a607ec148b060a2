import {
  describeEachDatabase,
  newUserWithKey,
  rest,
  startTestServer,
  type TestServer,
  userClient,
} from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { z } from "zod";
import { openUserStream } from "./support/user-stream.ts";

const PASSWORD = "correct horse battery";
const PHONE = "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) Mobile/15E148";

describeEachDatabase("account security: sessions, sign out everywhere, password change", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  /** A sign-in from a device that names itself, as a browser does. */
  async function signInFrom(email: string, userAgent: string, password = PASSWORD): Promise<string> {
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": userAgent },
      body: JSON.stringify({ email, password }),
    });
    if (!response.ok) throw new Error(`sign-in refused: ${response.status}`);
    return z.object({ token: z.string() }).parse(await response.json()).token;
  }

  const meStatus = async (token: string) => (await rest(server.url, "GET", "/api/v1/auth/me", { token })).status;

  test("sessions list each device with its address and last use; one can be signed out", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const phone = await signInFrom(alice.email, PHONE);
    const { sessions } = await alice.user.listSessions.query({});
    expect(sessions).toHaveLength(2);
    const phoneSession = sessions.find((s) => s.user_agent === PHONE);
    expect(phoneSession).toMatchObject({ current: false, client_address: expect.stringContaining("127.0.0.1") });
    expect(phoneSession?.last_used_at).not.toBeNull();
    expect(sessions.filter((s) => s.current)).toHaveLength(1);

    // Another account's session id is a 404, and changes nothing.
    const bob = await newUserWithKey(server.url, "bob");
    await expect(bob.user.revokeSession.mutate({ id: phoneSession?.id ?? "" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    expect(await meStatus(phone)).toBe(200);

    await alice.user.revokeSession.mutate({ id: phoneSession?.id ?? "" });
    expect(await meStatus(phone)).toBe(401);
    expect((await alice.user.listSessions.query({})).sessions.map((s) => s.current)).toEqual([true]);
  });

  test("sign out everywhere ends every session and its open streams", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const laptop = await signInFrom(alice.email, "laptop");
    const streams = await Promise.all([alice.sessionToken, laptop].map((token) => openUserStream(server.url, token)));
    try {
      for (const stream of streams) await stream.until("connected", (e) => e.type === "connected");
      const result = await alice.user.signOutEverywhere.mutate({});
      expect(result.revoked).toBe(2);
      for (const stream of streams) await stream.ended(5_000);
      expect([await meStatus(alice.sessionToken), await meStatus(laptop)]).toEqual([401, 401]);
      // API keys are not sessions: agents keep working.
      const step = await alice.agent.sendMessage.mutate({
        agent_instance_id: crypto.randomUUID(),
        agent_type: "x",
        content: "still on",
      });
      expect(step.success).toBe(true);
    } finally {
      for (const stream of streams) await stream.close();
    }
  });

  test("changing the password proves the current one, keeps this session and signs the others out", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const other = await signInFrom(alice.email, "other");
    const wrong = await rest(server.url, "POST", "/api/v1/auth/password", {
      token: alice.sessionToken,
      body: { current_password: "not it at all", new_password: "a brand new secret" },
    });
    expect([wrong.status, wrong.body.error?.code, wrong.body.error?.issues?.[0]?.path]).toEqual([
      403,
      "FORBIDDEN",
      "current_password",
    ]);
    expect(await meStatus(other)).toBe(200);

    const changed = await userClient(server.url, alice.sessionToken).changePassword.mutate({
      current_password: PASSWORD,
      new_password: "a brand new secret",
    });
    expect(changed.signed_out_sessions).toBe(1);
    expect([await meStatus(alice.sessionToken), await meStatus(other)]).toEqual([200, 401]);
    await expect(signInFrom(alice.email, "x")).rejects.toThrow(/401/);
    expect(await meStatus(await signInFrom(alice.email, "x", "a brand new secret"))).toBe(200);
  });
});
