import { randomUUID } from "node:crypto";
import { type AuditAction, AuditEntry, auditActions } from "@omnara/contracts";
import {
  describeEachDatabase,
  newUserWithKey,
  publicClient,
  rest,
  startTestServer,
  type TestServer,
  userClient,
} from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { z } from "zod";

const PASSWORD = "correct horse battery";
const BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AuditTest/1.0";
/** Remote control's decisions are recorded by those operations, not the ones exercised here. */
const REMOTE_CONTROL: readonly AuditAction[] = ["instance.interrupt", "instance.stop", "instance.launch"];

describeEachDatabase("audit: every human decision, for the owner only", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  /** A session whose requests name their browser, as the dashboard's do. */
  async function browserSession(email: string, password = PASSWORD) {
    const response = await fetch(`${server.url}/api/v1/auth/login`, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": BROWSER },
      body: JSON.stringify({ email, password }),
    });
    const token = z.object({ token: z.string() }).parse(await response.json()).token;
    return { token, client: userClient(server.url, token) };
  }

  const call = (token: string, method: "GET" | "POST" | "PUT" | "PATCH" | "DELETE", path: string, body?: unknown) =>
    fetch(`${server.url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        "user-agent": BROWSER,
        ...(body === undefined ? {} : { "content-type": "application/json" }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  async function allEntries(token: string): Promise<AuditEntry[]> {
    const entries: AuditEntry[] = [];
    let cursor: string | null = null;
    do {
      const query = new URLSearchParams({ limit: "3", ...(cursor ? { cursor } : {}) });
      const response = await call(token, "GET", `/api/v1/audit?${query}`);
      expect(response.status).toBe(200);
      const page = z
        .object({ entries: z.array(AuditEntry), next_cursor: z.string().nullable() })
        .parse(await response.json());
      entries.push(...page.entries);
      cursor = page.next_cursor;
    } while (cursor);
    return entries;
  }

  test("each decision type writes one row with actor, device, address, time and target; others see none of it", async () => {
    const started = Date.now();
    const owner = await newUserWithKey(server.url, "owner");
    const writer = await newUserWithKey(server.url, "writer");
    const stranger = await newUserWithKey(server.url, "stranger");
    const { token } = await browserSession(owner.email);
    const writerSession = await browserSession(writer.email);

    const id = randomUUID();
    const question = await owner.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: "claude code",
      content: "Run the migration?",
      requires_user_input: true,
    });
    const expectOk = async (response: Response) => {
      expect([response.status, response.ok ? "" : await response.text()]).toEqual([response.status, ""]);
    };

    // The WRITE share's recipient answers; the row is the owner's, the actor the recipient.
    await expectOk(
      await call(token, "POST", `/api/v1/agent-instances/${id}/shares`, { email: writer.email, role: "WRITE" }),
    );
    await expectOk(
      await call(writerSession.token, "POST", `/api/v1/agent-instances/${id}/messages`, {
        content: "Yes",
        question_id: question.message_id,
      }),
    );
    await expectOk(await call(token, "POST", `/api/v1/agent-instances/${id}/messages`, { content: "and then stop" }));
    await expectOk(await call(token, "PATCH", `/api/v1/agent-instances/${id}`, { name: "migration run" }));
    const shares = await owner.user.listShares.query({ agent_instance_id: id });
    const shareId = shares.shares[0]?.id ?? "";
    await expectOk(await call(token, "DELETE", `/api/v1/agent-instances/${id}/shares/${shareId}`));
    await expectOk(await call(token, "PUT", `/api/v1/agent-instances/${id}/status`, { status: "COMPLETED" }));
    await expectOk(await call(token, "DELETE", `/api/v1/agent-instances/${id}`));

    const keyResponse = await call(token, "POST", "/api/v1/auth/api-keys", { name: "ci" });
    const key = z.object({ id: z.string() }).parse(await keyResponse.json());
    await expectOk(await call(token, "DELETE", `/api/v1/auth/api-keys/${key.id}`));

    const cli = await publicClient(server.url).startCliLogin.mutate({ client_name: "build-box" });
    await userClient(server.url, token).confirmCliLogin.mutate({ user_code: cli.user_code, approve: true });
    const denied = await publicClient(server.url).startCliLogin.mutate({ client_name: "unknown-box" });
    await userClient(server.url, token).confirmCliLogin.mutate({ user_code: denied.user_code, approve: false });

    const other = await browserSession(owner.email);
    const { sessions } = await other.client.listSessions.query({});
    const sessionId = sessions.find((s) => !s.current)?.id ?? "";
    await other.client.revokeSession.mutate({ id: sessionId });
    const newPassword = "another horse battery";
    await other.client.changePassword.mutate({ current_password: PASSWORD, new_password: newPassword });
    await other.client.signOutEverywhere.mutate({});

    const reader = await browserSession(owner.email, newPassword);
    const entries = await allEntries(reader.token);
    const actions = entries.map((e) => e.action).sort();
    // Team decisions have their own audit test (teams.test.ts).
    const expected = auditActions.filter(
      (a) => !REMOTE_CONTROL.includes(a) && a !== "account.password_reset" && !a.startsWith("team."),
    );
    // One row per decision; api_key.create twice: newUserWithKey's key and "ci".
    expect(actions).toEqual([...expected, "api_key.create"].sort());

    for (const entry of entries) {
      expect(new Date(entry.created_at).getTime()).toBeGreaterThanOrEqual(started - 1000);
      if (entry.action === "question.answer") {
        expect(entry).toMatchObject({
          actor_id: writer.userId,
          actor_email: writer.email,
          target_type: "instance",
          target_id: id,
          user_agent: BROWSER,
          client_address: expect.stringContaining("127.0.0.1"),
          detail: { question_id: question.message_id, content: "Yes" },
        });
        continue;
      }
      expect(entry.actor_id).toBe(owner.userId);
    }
    expect(entries.find((e) => e.action === "instance.rename")).toMatchObject({
      target_id: id,
      user_agent: BROWSER,
      detail: { to: "migration run" },
    });
    expect(entries.find((e) => e.action === "instance.share")?.detail).toMatchObject({
      email: writer.email,
      role: "WRITE",
    });
    expect(entries.find((e) => e.action === "api_key.revoke")).toMatchObject({
      target_type: "api_key",
      target_id: key.id,
    });
    expect(entries.find((e) => e.action === "account.sign_out_everywhere")?.detail).toMatchObject({ revoked: 1 });
    // Newest first.
    const times = entries.map((e) => e.created_at);
    expect([...times].sort().reverse()).toEqual(times);

    // The recipient and a stranger see nothing of the owner's audit: only their own key's creation.
    for (const who of [writer, stranger]) {
      const own = (await who.user.listAudit.query({})).entries;
      expect(own.map((e) => [e.action, e.target_id])).toEqual([["api_key.create", who.apiKeyId]]);
      const exported = await call(who.sessionToken, "GET", "/api/v1/audit/export?format=json");
      expect(z.array(AuditEntry).parse(await exported.json())).toEqual(own);
    }
    // A cursor that is not one is a 400, no session a 401.
    const bad = await rest(server.url, "GET", "/api/v1/audit?cursor=nonsense", { token: reader.token });
    expect([bad.status, bad.body.error?.code]).toEqual([400, "BAD_REQUEST"]);
    expect((await fetch(`${server.url}/api/v1/audit/export`)).status).toBe(401);
  });

  test("the export is the same audit as CSV and as JSON", async () => {
    const owner = await newUserWithKey(server.url, "exporter");
    for (const name of ["one", 'two, "quoted"']) {
      await owner.user.createApiKey.mutate({ name });
    }
    // A device name a spreadsheet would run as a formula.
    await fetch(`${server.url}/api/v1/auth/api-keys`, {
      method: "POST",
      headers: {
        authorization: `Bearer ${owner.sessionToken}`,
        "user-agent": "=1+1",
        "content-type": "application/json",
      },
      body: JSON.stringify({ name: "three" }),
    });
    const json = await call(owner.sessionToken, "GET", "/api/v1/audit/export?format=json");
    expect(json.headers.get("content-disposition")).toMatch(/attachment; filename="omnara-audit-.*\.json"/);
    const exported = z.array(AuditEntry).parse(await json.json());
    expect(exported.map((e) => e.detail["name"])).toEqual(["three", 'two, "quoted"', "one", "exporter key"]);
    expect(exported).toEqual(await allEntries(owner.sessionToken));

    const csv = await call(owner.sessionToken, "GET", "/api/v1/audit/export?format=csv");
    expect(csv.headers.get("content-type")).toMatch(/^text\/csv/);
    const lines = (await csv.text()).trimEnd().split("\r\n");
    expect(lines[0]).toBe(
      "created_at,action,actor_id,actor_email,target_type,target_id,detail,user_agent,client_address,id",
    );
    expect(lines).toHaveLength(5);
    // A formula is defused and quotes are doubled.
    expect(lines[1]).toContain(`"{""name"":""three"",""expires_at"":null}",'=1+1,`);
    expect(lines[2]).toContain(`""two, \\""quoted\\""""`);
    const bad = await call(owner.sessionToken, "GET", "/api/v1/audit/export?format=xml");
    expect(bad.status).toBe(400);
  });

  test("a decision that fails writes no audit row", async () => {
    const owner = await newUserWithKey(server.url, "failing");
    const before = (await owner.user.listAudit.query({})).entries.length;
    await expect(
      owner.user.renameInstance.mutate({ agent_instance_id: randomUUID(), name: "x" }),
    ).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    await expect(
      owner.user.changePassword.mutate({ current_password: "wrong password!", new_password: "whatever horse" }),
    ).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
    expect((await owner.user.listAudit.query({})).entries).toHaveLength(before);
  });
});
