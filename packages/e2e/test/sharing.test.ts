import { randomUUID } from "node:crypto";
import type { UserEvent } from "@omnara/contracts";
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
import { ownerWithQuestion as ownerWithQuestionOn } from "./support/owner-with-question.ts";
import { openUserStream } from "./support/user-stream.ts";

const PASSWORD = "correct horse battery";
const ROUNDS = 100;

describeEachDatabase("sharing an instance by email", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const ownerWithQuestion = () => ownerWithQuestionOn(server.url, "claude code", "Deploy to production?");

  test("READ follows and is refused replies; WRITE answers the waiting agent; only the owner renames, deletes or shares", async () => {
    const { owner, id, questionId } = await ownerWithQuestion();
    const reader = await newUserWithKey(server.url, "reader");
    const writer = await newUserWithKey(server.url, "writer");
    await owner.user.shareInstance.mutate({ agent_instance_id: id, email: reader.email });
    await owner.user.shareInstance.mutate({ agent_instance_id: id, email: writer.email.toUpperCase(), role: "WRITE" });

    const listed = await reader.user.listInstances.query({});
    expect(listed.instances.map((i) => [i.id, i.shared])).toEqual([[id, { role: "READ", owner_email: owner.email }]]);
    expect((await reader.user.getInstance.query({ agent_instance_id: id })).shared?.role).toBe("READ");
    // The owner's own view is not marked.
    expect((await owner.user.getInstance.query({ agent_instance_id: id })).shared).toBeUndefined();

    const readerReply = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/messages`, {
      token: reader.sessionToken,
      body: { content: "yes" },
    });
    expect([readerReply.status, readerReply.body.error?.code]).toEqual([403, "FORBIDDEN"]);

    const wait = owner.agent.waitForReply.query({
      agent_instance_id: id,
      after_message_id: questionId,
      timeout_seconds: 20,
    });
    const answer = await writer.user.reply.mutate({
      agent_instance_id: id,
      content: "Yes, ship it",
      question_id: questionId,
    });
    expect(answer.sender_user_id).toBe(writer.userId);
    const waited = await wait;
    expect(waited.status).toBe("replied");

    for (const who of [reader, writer]) {
      for (const attempt of [
        () => who.user.renameInstance.mutate({ agent_instance_id: id, name: "mine" }),
        () => who.user.deleteInstance.mutate({ agent_instance_id: id }),
        () => who.user.shareInstance.mutate({ agent_instance_id: id, email: "x@example.com" }),
        () => who.user.listShares.query({ agent_instance_id: id }),
      ]) {
        await expect(attempt()).rejects.toMatchObject({ data: { code: "FORBIDDEN", httpStatus: 403 } });
      }
    }
    const shares = await owner.user.listShares.query({ agent_instance_id: id });
    expect(shares.shares.map((s) => [s.email, s.role, s.pending])).toEqual([
      [reader.email, "READ", false],
      [writer.email, "WRITE", false],
    ]);
  });

  test("sharing with your own email is a 400 on the email field; sharing again changes the role", async () => {
    const { owner, id } = await ownerWithQuestion();
    const res = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/shares`, {
      token: owner.sessionToken,
      body: { email: owner.email },
    });
    expect([res.status, res.body.error?.issues?.[0]?.path]).toEqual([400, "email"]);
    const friend = await newUserWithKey(server.url, "friend");
    const first = await owner.user.shareInstance.mutate({ agent_instance_id: id, email: friend.email });
    const again = await owner.user.shareInstance.mutate({ agent_instance_id: id, email: friend.email, role: "WRITE" });
    expect(again.id).toBe(first.id);
    expect((await friend.user.getInstance.query({ agent_instance_id: id })).shared?.role).toBe("WRITE");
  });

  test("a share to an email without an account waits, and takes effect when that email signs up", async () => {
    const { owner, id } = await ownerWithQuestion();
    const email = `later-${randomUUID()}@example.com`;
    const share = await owner.user.shareInstance.mutate({ agent_instance_id: id, email });
    expect(share.pending).toBe(true);
    const session = await publicClient(server.url).signUp.mutate({ email, password: PASSWORD });
    const newcomer = userClient(server.url, session.token);
    expect((await newcomer.listInstances.query({})).instances.map((i) => i.id)).toEqual([id]);
    expect((await owner.user.listShares.query({ agent_instance_id: id })).shares[0]?.pending).toBe(false);
  });

  test(
    `a share racing the recipient's sign-up always takes effect (${ROUNDS} rounds)`,
    { timeout: 180_000 },
    async () => {
      const { owner, id } = await ownerWithQuestion();
      const failures: string[] = [];
      for (let batch = 0; batch < ROUNDS / 10; batch++) {
        await Promise.all(
          Array.from({ length: 10 }, async () => {
            const email = `race-${randomUUID()}@example.com`;
            const [, session] = await Promise.all([
              owner.user.shareInstance.mutate({ agent_instance_id: id, email }),
              publicClient(server.url).signUp.mutate({ email, password: PASSWORD }),
            ]);
            const seen = await userClient(server.url, session.token).getInstance.query({ agent_instance_id: id });
            if (seen.shared?.role !== "READ") failures.push(email);
          }),
        );
      }
      expect(failures).toEqual([]);
    },
  );

  test("the recipient's live stream hears the share, the shared instance's changes, and the revocation; then 404", async () => {
    const { owner, id } = await ownerWithQuestion();
    const friend = await newUserWithKey(server.url, "friend");
    const stream = await openUserStream(server.url, friend.sessionToken);
    try {
      await stream.until("connected", (e) => e.type === "connected");
      const share = await owner.user.shareInstance.mutate({ agent_instance_id: id, email: friend.email });
      const granted = await stream.until("access granted", (e) => e.type === "access" && e.instance !== null);
      expect(granted).toMatchObject({ agent_instance_id: id, instance: { id, shared: { role: "READ" } } });

      const step = await owner.agent.sendMessage.mutate({ agent_instance_id: id, content: "Deploying now" });
      const heard = await stream.until(
        "the shared instance's message",
        (e): e is Extract<UserEvent, { type: "message" }> => e.type === "message" && e.message.id === step.message_id,
      );
      expect(heard.instance.shared?.owner_email).toBe(owner.email);

      // The friend also watches the instance's own stream; it ends with the share.
      const watching = await openUserStream(server.url, friend.sessionToken, { agent_instance_id: id });
      await watching.until("connected", (e) => e.type === "connected");
      await owner.user.revokeShare.mutate({ agent_instance_id: id, share_id: share.id });
      await stream.until("access revoked", (e) => e.type === "access" && e.instance === null);
      await watching.ended(5_000);
      await watching.close();
      const after = await owner.agent.sendMessage.mutate({ agent_instance_id: id, content: "Done" });
      await expect(friend.user.getInstance.query({ agent_instance_id: id })).rejects.toMatchObject({
        data: { code: "NOT_FOUND" },
      });
      expect((await friend.user.listInstances.query({})).instances).toEqual([]);
      // The owner's later changes stay the owner's: the friend's stream takes none of them.
      const marker = await friend.agent.sendMessage.mutate({
        agent_instance_id: randomUUID(),
        agent_type: "cursor",
        content: "mine",
      });
      await stream.until("the friend's own message", (e) => e.type === "message" && e.message.id === marker.message_id);
      expect(stream.events.some((e) => e.type === "message" && e.message.id === after.message_id)).toBe(false);
    } finally {
      await stream.close();
    }
  });

  test("a question on a shared instance notifies the recipient too", async () => {
    const owner = await newUserWithKey(server.url, "owner");
    const friend = await newUserWithKey(server.url, "friend");
    const id = randomUUID();
    await owner.agent.registerInstance.mutate({ agent_instance_id: id, agent_type: "claude code" });
    await owner.user.shareInstance.mutate({ agent_instance_id: id, email: friend.email });
    await owner.agent.sendMessage.mutate({
      agent_instance_id: id,
      content: "Which region?",
      requires_user_input: true,
    });
    const deadline = Date.now() + 20_000;
    let events: string[] = [];
    while (Date.now() < deadline && events.length === 0) {
      const log = await friend.user.listNotificationLog.query({ agent_instance_id: id });
      events = log.entries.map((entry) => entry.event);
      if (events.length === 0) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(events).toContain("question");
  });
});
