import { createHmac, randomUUID } from "node:crypto";
import { schema } from "@omnara/db";
import {
  describeEachDatabase,
  eventually,
  newUserWithKey,
  rest,
  startTestServer,
  startWebhookReceiver,
  type TestServer,
  type WebhookReceiver,
} from "@omnara/testing";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";

type Member = Awaited<ReturnType<typeof newUserWithKey>>;

/**
 * Issue 16, item 4: an agent type's launch target, started with runtime fields, goes out through
 * the signed, retried, logged webhook queue: to the user's URL with the templated body, or as a
 * GitHub repository_dispatch to a local server standing in for api.github.com.
 */
describeEachDatabase("launch webhooks", (kind) => {
  let server: TestServer;
  let receiver: WebhookReceiver;
  let github: WebhookReceiver;
  let a: Member;
  beforeAll(async () => {
    receiver = await startWebhookReceiver();
    github = await startWebhookReceiver();
    server = await startTestServer(kind, {
      env: { OMNARA_WEBHOOK_ALLOW_PRIVATE: "true", OMNARA_GITHUB_API_URL: `${github.url}/` },
    });
    a = await newUserWithKey(server.url, "launcher");
  });
  afterAll(async () => {
    await server.close();
    await receiver.close();
    await github.close();
  });

  async function agentType(name: string): Promise<string> {
    await a.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: name, content: "hello" });
    const type = (await a.user.listAgentTypes.query({})).find((t) => t.name === name);
    if (!type) throw new Error(`no agent type ${name}`);
    return type.id;
  }

  test("a custom URL gets the templated body, signed, and the delivery log has it", async () => {
    const typeId = await agentType(`nightly-${kind}`);
    await a.user.setLaunchTarget.mutate({
      agent_type_id: typeId,
      target: {
        kind: "url",
        url: `${receiver.url}/start`,
        body_template: {
          task: "{{task}}",
          run: { id: "{{agent_instance_id}}", agent: "{{agent_type}}", label: "branch {{branch}}" },
          fixed: [1, true, null],
        },
      },
      fields: [
        { name: "task", label: "Task" },
        { name: "branch", required: false },
      ],
    });
    // A required field left out is refused before anything is queued.
    const refused = await rest(server.url, "POST", `/api/v1/agent-types/${typeId}/launch`, {
      token: a.sessionToken,
      body: { fields: { branch: "main" } },
    });
    expect(refused.status).toBe(400);

    const before = receiver.received.length;
    const task = 'fix "the" {{build}} }, please';
    const launched = await a.user.launchAgent.mutate({ agent_type_id: typeId, fields: { task, branch: "main" } });
    const [got] = (await receiver.waitFor(before + 1)).slice(before);
    if (!got) throw new Error("nothing received");
    expect(got.path).toBe("/start");
    expect(JSON.parse(got.body)).toEqual({
      task,
      run: { id: launched.agent_instance_id, agent: `nightly-${kind}`, label: "branch main" },
      fixed: [1, true, null],
    });
    expect(got.headers["x-omnara-event"]).toBe("launch");
    expect(got.headers["x-omnara-delivery"]).toBe(launched.delivery_id);
    // X-Omnara-Signature: t=<unix s>,v1=<HMAC-SHA256(secret, "<t>.<body>")>, as a receiver checks it.
    const secret = (await a.user.getWebhookSigningSecret.query({})).signing_secret;
    const [, t, mac] = /^t=(\d+),v1=([0-9a-f]+)$/.exec(String(got.headers["x-omnara-signature"])) ?? [];
    expect(mac).toBe(createHmac("sha256", secret).update(`${t}.${got.body}`).digest("hex"));
    const log = await eventually("the delivery logged", async () => {
      const page = await a.user.listWebhookDeliveries.query({});
      return page.deliveries.find((d) => d.id === launched.delivery_id && d.state === "delivered");
    });
    expect(log.event).toBe("launch");
    const audit = (await a.user.listAudit.query({})).entries.find((e) => e.action === "instance.launch");
    expect(audit?.target_id).toBe(launched.agent_instance_id);
  });

  test("a GitHub repository_dispatch: the exact request, the token stored sealed and never shown", async () => {
    const typeId = await agentType(`deployer-${kind}`);
    const token = `ghp_${randomUUID().replaceAll("-", "")}`;
    const set = await a.user.setLaunchTarget.mutate({
      agent_type_id: typeId,
      target: { kind: "github", owner: "acme", repo: "deploy.tools", event_type: "omnara-start", token },
      fields: [{ name: "environment" }],
    });
    expect(set).toMatchObject({ kind: "github", owner: "acme", repo: "deploy.tools", has_token: true });
    expect(JSON.stringify(set)).not.toContain(token);
    // Changing the target without a token keeps the stored one.
    await a.user.setLaunchTarget.mutate({
      agent_type_id: typeId,
      target: { kind: "github", owner: "acme", repo: "deploy.tools", event_type: "omnara-start" },
      fields: [{ name: "environment" }],
    });
    const [row] = await server.database.db
      .select()
      .from(schema.launchTargets)
      .where(eq(schema.launchTargets.agentTypeId, typeId));
    expect(row?.tokenSealed).toMatch(/^sealed:v1:/);
    expect(row?.tokenSealed).not.toContain(token.slice(4));

    github.answers.push(204);
    const before = github.received.length;
    const launched = await a.user.launchAgent.mutate({ agent_type_id: typeId, fields: { environment: "staging" } });
    const [got] = (await github.waitFor(before + 1)).slice(before);
    if (!got) throw new Error("nothing received");
    expect(got.method).toBe("POST");
    expect(got.path).toBe("/repos/acme/deploy.tools/dispatches");
    expect(got.headers.authorization).toBe(`Bearer ${token}`);
    expect(got.headers.accept).toBe("application/vnd.github+json");
    expect(got.headers["content-type"]).toBe("application/json");
    expect(JSON.parse(got.body)).toEqual({
      event_type: "omnara-start",
      client_payload: {
        environment: "staging",
        agent_instance_id: launched.agent_instance_id,
        agent_type: `deployer-${kind}`,
      },
    });
    // The queued row keeps the token sealed too.
    const [delivery] = await server.database.db
      .select()
      .from(schema.webhookDeliveries)
      .where(eq(schema.webhookDeliveries.id, launched.delivery_id));
    expect(JSON.stringify(delivery?.headers)).not.toContain(token.slice(4));
    await eventually("delivered", async () => {
      const page = await a.user.listWebhookDeliveries.query({});
      return page.deliveries.some((d) => d.id === launched.delivery_id && d.state === "delivered") ? true : undefined;
    });
  });

  test("another user's agent type is a 404, and a type without a target cannot launch", async () => {
    const typeId = await agentType(`private-${kind}`);
    const b = await newUserWithKey(server.url, "stranger");
    const other = await rest(server.url, "GET", `/api/v1/agent-types/${typeId}/launch-target`, {
      token: b.sessionToken,
    });
    expect(other.status).toBe(404);
    const none = await rest(server.url, "POST", `/api/v1/agent-types/${typeId}/launch`, {
      token: a.sessionToken,
      body: {},
    });
    expect(none.status).toBe(404);
  });
});
