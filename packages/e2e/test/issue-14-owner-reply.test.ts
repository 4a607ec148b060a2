import { randomUUID } from "node:crypto";
import {
  createTestDatabase,
  describeEachDatabase,
  newUserWithKey,
  rest,
  startCountingProxy,
  startTestServer,
  type TestDatabase,
  type TestServer,
  testEnv,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { ownerWithQuestion as ownerWithQuestionOn } from "./support/owner-with-question.ts";

/**
 * An owner's reply is tried in its one statement before the access rule is checked (the statement
 * stores it only on the caller's own instance); everyone else's reply is decided by the rule as
 * before: strangers and deleted instances NOT_FOUND, READ shares FORBIDDEN, nothing stored.
 */
describeEachDatabase("issue 14: a reply tried as the owner's before its access check", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const ownerWithQuestion = () => ownerWithQuestionOn(server.url, "owner first", "Ship it?");

  const userContents = async (owner: Awaited<ReturnType<typeof newUserWithKey>>, id: string) =>
    (await owner.user.listMessages.query({ agent_instance_id: id })).messages
      .filter((message) => message.sender_type === "USER")
      .map((message) => message.content);

  test("the owner's reply is stored once (retried with its key) and wakes the agent", async () => {
    const { owner, id, questionId } = await ownerWithQuestion();
    const wait = owner.agent.waitForReply.query({
      agent_instance_id: id,
      after_message_id: questionId,
      timeout_seconds: 20,
    });
    const input = { agent_instance_id: id, content: "yes", idempotency_key: "answer-1", question_id: questionId };
    const first = await owner.user.reply.mutate(input);
    const again = await owner.user.reply.mutate(input);
    expect(again.id).toBe(first.id);
    expect((await wait).messages.map((message) => message.content)).toEqual(["yes"]);
    expect(await userContents(owner, id)).toEqual(["yes"]);
    // The question was answered: a second answer to it is refused, as before.
    await expect(
      owner.user.reply.mutate({ agent_instance_id: id, content: "no", question_id: questionId }),
    ).rejects.toMatchObject({ data: { code: "CONFLICT" } });
    expect(await userContents(owner, id)).toEqual(["yes"]);
  });

  test("a stranger gets NOT_FOUND, a READ share FORBIDDEN, a WRITE share is stored; REST and tRPC alike", async () => {
    const { owner, id } = await ownerWithQuestion();
    const stranger = await newUserWithKey(server.url, "stranger");
    const reader = await newUserWithKey(server.url, "reader");
    const writer = await newUserWithKey(server.url, "writer");
    await owner.user.shareInstance.mutate({ agent_instance_id: id, email: reader.email });
    await owner.user.shareInstance.mutate({ agent_instance_id: id, email: writer.email, role: "WRITE" });

    await expect(stranger.user.reply.mutate({ agent_instance_id: id, content: "stranger" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    const strangerRest = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/messages`, {
      token: stranger.sessionToken,
      body: { content: "stranger" },
    });
    expect([strangerRest.status, strangerRest.body.error?.code]).toEqual([404, "NOT_FOUND"]);
    await expect(reader.user.reply.mutate({ agent_instance_id: id, content: "reader" })).rejects.toMatchObject({
      data: { code: "FORBIDDEN" },
    });
    const readerRest = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/messages`, {
      token: reader.sessionToken,
      body: { content: "reader" },
    });
    expect([readerRest.status, readerRest.body.error?.code]).toEqual([403, "FORBIDDEN"]);
    await writer.user.reply.mutate({ agent_instance_id: id, content: "writer" });
    const ownerRest = await rest(server.url, "POST", `/api/v1/agent-instances/${id}/messages`, {
      token: owner.sessionToken,
      body: { content: "owner" },
    });
    expect(ownerRest.status).toBe(201);
    expect(await userContents(owner, id)).toEqual(["writer", "owner"]);
  });

  test("a deleted instance is NOT_FOUND to its owner's reply, and the reply is not stored", async () => {
    const { owner, id } = await ownerWithQuestion();
    await owner.user.deleteInstance.mutate({ agent_instance_id: id });
    await expect(owner.user.reply.mutate({ agent_instance_id: id, content: "too late" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
  });
});

const postgresOnly = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

postgresOnly("issue 14: the owner's reply sends no access check to the database [postgres]", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
  });
  afterAll(() => database?.drop());

  test("the owner's reply: its session and its one statement; a stranger's: the access check too", async () => {
    const target = new URL(database.url ?? "");
    await using proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await using server = await startTestServer("postgres", {
      database: { ...database, url: proxy.url(database.url ?? "") },
    });
    const owner = await newUserWithKey(server.url, "counted-owner");
    const stranger = await newUserWithKey(server.url, "counted-stranger");
    const id = randomUUID();
    await owner.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "counted", content: "start" });
    const accessChecks = (statements: string[]) =>
      statements.filter((text) => /^select "user_id" from "agent_instances"/.test(text.trim()));
    proxy.takeStatements();
    await owner.user.reply.mutate({ agent_instance_id: id, content: "mine" });
    expect(accessChecks(proxy.takeStatements())).toEqual([]);
    await expect(stranger.user.reply.mutate({ agent_instance_id: id, content: "not mine" })).rejects.toMatchObject({
      data: { code: "NOT_FOUND" },
    });
    expect(accessChecks(proxy.takeStatements())).toHaveLength(1);
  });
});
