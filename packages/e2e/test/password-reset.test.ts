import { schema } from "@omnara/db";
import {
  describeEachDatabase,
  eventually,
  newUserWithKey,
  publicClient,
  rest,
  startTestServer,
  type TestServer,
  userClient,
} from "@omnara/testing";
import { and, eq, isNull } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { SmtpSink } from "./support/smtp-sink.ts";

const ROUNDS = 100;
const NEW_PASSWORD = "a brand new passphrase";
const tokenIn = (text: string): string => text.match(/reset-password\?token=([\w-]+)/)?.[1] ?? "";

describeEachDatabase("password reset by email", (kind) => {
  let smtp: SmtpSink;
  let server: TestServer;
  beforeAll(async () => {
    smtp = await SmtpSink.start();
    server = await startTestServer(kind, {
      env: { OMNARA_SMTP_URL: smtp.url, OMNARA_SMTP_FROM: "Omnara <omnara@example.com>" },
    });
  });
  afterAll(async () => {
    await server.close();
    await smtp[Symbol.asyncDispose]();
  });

  const ask = (email: string) => rest(server.url, "POST", "/api/v1/auth/password-reset", { body: { email } });
  const confirm = (token: string, password = NEW_PASSWORD) =>
    rest(server.url, "POST", "/api/v1/auth/password-reset/confirm", { body: { token, new_password: password } });

  async function mailedToken(email: string): Promise<string> {
    const before = smtp.mails.filter((m) => m.to.includes(email)).length;
    expect((await ask(email)).status).toBe(200);
    const mail = await eventually(
      "the reset mail arrives",
      () => smtp.mails.filter((m) => m.to.includes(email))[before],
      15_000,
    );
    return tokenIn(mail.text);
  }

  test("the link arrives over SMTP, sets the password once and signs every session out", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const token = await mailedToken(alice.email);
    expect(token.length).toBeGreaterThan(20);
    const mail = smtp.mails.find((m) => m.to.includes(alice.email));
    expect(mail?.text).toContain(`${server.url}/reset-password?token=${token}`);
    expect(mail?.text).toMatch(/^Subject: Reset your Omnara password\r?$/m);

    const done = await confirm(token);
    expect([done.status, done.body]).toEqual([200, { success: true, signed_out_sessions: 1 }]);
    expect((await rest(server.url, "GET", "/api/v1/auth/me", { token: alice.sessionToken })).status).toBe(401);
    await expect(
      publicClient(server.url).signIn.mutate({ email: alice.email, password: "correct horse battery" }),
    ).rejects.toMatchObject({ data: { code: "UNAUTHORIZED" } });
    const signedIn = await publicClient(server.url).signIn.mutate({ email: alice.email, password: NEW_PASSWORD });
    expect(signedIn.user.id).toBe(alice.userId);
    // The agents' keys are not sessions: they keep working.
    expect(
      (await alice.agent.sendMessage.mutate({ agent_instance_id: crypto.randomUUID(), agent_type: "x", content: "on" }))
        .success,
    ).toBe(true);

    // Used once: a second use, a made-up token, and an earlier link are all refused alike.
    const again = await confirm(token, "yet another passphrase");
    expect([again.status, again.body.error?.code]).toEqual([400, "BAD_REQUEST"]);
    expect((await confirm("x".repeat(43))).status).toBe(400);
    const audit = await userClient(server.url, signedIn.token).listAudit.query({});
    expect(audit.entries.map((e) => e.action)).toContain("account.password_reset");
  });

  test("the answer is the same whether or not the email has an account, and no mail goes to a stranger", async () => {
    const known = await newUserWithKey(server.url, "known");
    const unknown = `nobody-${Date.now()}@example.com`;
    const [a, b] = [await ask(known.email), await ask(unknown)];
    expect([a.status, a.body]).toEqual([b.status, b.body]);
    expect(a.body).toEqual({ success: true });
    await eventually("the known account's mail", () => smtp.mails.some((m) => m.to.includes(known.email)), 15_000);
    expect(smtp.mails.some((m) => m.to.includes(unknown))).toBe(false);
    const bad = await ask("not an email");
    expect([bad.status, bad.body.error?.code]).toEqual([400, "BAD_REQUEST"]);
  });

  test(`a stranger asking again and again gets no more than 3 unused links mailed (${ROUNDS} rounds of 8 at once)`, async () => {
    const dave = await newUserWithKey(server.url, "dave");
    const { db } = server.database;
    const unused = async () =>
      (
        await db
          .select({ id: schema.passwordResets.id })
          .from(schema.passwordResets)
          .where(and(eq(schema.passwordResets.userId, dave.userId), isNull(schema.passwordResets.usedAt)))
      ).length;
    for (let round = 0; round < ROUNDS; round++) {
      await db.delete(schema.passwordResets).where(eq(schema.passwordResets.userId, dave.userId));
      const answers = await Promise.all(Array.from({ length: 8 }, () => ask(dave.email)));
      // Refused or not, every answer is the same: it does not tell that the limit was reached.
      expect(answers.map((a) => [a.status, a.body])).toEqual(Array(8).fill([200, { success: true }]));
      expect(await unused()).toBe(3);
    }
    const mails = () => smtp.mails.filter((m) => m.to.includes(dave.email));
    await eventually("the last round's mails", () => mails().length >= ROUNDS * 3, 30_000);
    expect(mails().length).toBe(ROUNDS * 3);
    // A used link no longer counts: after resetting, asking again mails a new link.
    await db.delete(schema.passwordResets).where(eq(schema.passwordResets.userId, dave.userId));
    const token = await mailedToken(dave.email);
    expect((await confirm(token)).status).toBe(200);
    for (let again = 0; again < 3; again++) await mailedToken(dave.email);
    expect(await unused()).toBe(3);
  }, 600_000);

  test(`concurrent uses of one token: exactly one wins (${ROUNDS} rounds)`, async () => {
    const bob = await newUserWithKey(server.url, "bob");
    for (let round = 0; round < ROUNDS; round++) {
      const token = await mailedToken(bob.email);
      const results = await Promise.all([
        confirm(token, `passphrase one ${round}`),
        confirm(token, `passphrase two ${round}`),
      ]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 400]);
      const winner = results.findIndex((r) => r.status === 200) === 0 ? "one" : "two";
      const signedIn = await publicClient(server.url).signIn.mutate({
        email: bob.email,
        password: `passphrase ${winner} ${round}`,
      });
      expect(signedIn.user.id).toBe(bob.userId);
    }
    expect(server.loggedErrors).toEqual([]);
  }, 600_000);
});

describeEachDatabase("password reset without SMTP", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("the server prints the link for its operator", async () => {
    const carol = await newUserWithKey(server.url, "carol");
    expect(
      (await rest(server.url, "POST", "/api/v1/auth/password-reset", { body: { email: carol.email } })).status,
    ).toBe(200);
    const line = await eventually("the printed link", () => server.notices.find((n) => n.includes(carol.email)));
    expect(line).toContain(`${server.url}/reset-password?token=`);
    const done = await rest(server.url, "POST", "/api/v1/auth/password-reset/confirm", {
      body: { token: tokenIn(line), new_password: NEW_PASSWORD },
    });
    expect(done.status).toBe(200);
  });
});
