import { randomUUID } from "node:crypto";
import {
  batchedUserClient,
  createTestDatabase,
  newUserWithKey,
  startCountingProxy,
  startTestServer,
  type TestDatabase,
  testEnv,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const suite = testEnv.postgres === "skip" && !testEnv.ci ? describe.skip : describe;

/**
 * The dashboard's reads, counted on the wire: the overview's batch (listAgentTypes and getSummary
 * in one request) checks its session once and reads the counts once; an owner's message page
 * sends no access check, a share's still does and gets the same page.
 */
suite("issue 14: the statements of the overview's batch and of a message page [postgres]", () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
  });
  afterAll(() => database?.drop());

  test("a batched overview: one session lookup and one read of the counts for both reads", async () => {
    const target = new URL(database.url ?? "");
    await using proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await using server = await startTestServer("postgres", {
      database: { ...database, url: proxy.url(database.url ?? "") },
    });
    const owner = await newUserWithKey(server.url, "batched-overview");
    await owner.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: "counted", content: "start" });
    const overview = batchedUserClient(server.url, owner.sessionToken);
    proxy.takeStatements();
    const [types, summary] = await Promise.all([overview.listAgentTypes.query({}), overview.getSummary.query({})]);
    expect(types.map((type) => type.total_instances)).toEqual([1]);
    expect(summary.total_instances).toBe(1);
    const statements = proxy.takeStatements();
    expect(statements.filter((text) => /from "user_sessions"/.test(text))).toHaveLength(1);
    expect(statements.filter((text) => /from "instance_counts"/.test(text))).toHaveLength(1);
  });

  test("an owner's message page sends no access check; a share's does and reads the same page", async () => {
    const target = new URL(database.url ?? "");
    await using proxy = await startCountingProxy({ host: target.hostname, port: Number(target.port || 5432) });
    await using server = await startTestServer("postgres", {
      database: { ...database, url: proxy.url(database.url ?? "") },
    });
    const owner = await newUserWithKey(server.url, "page-owner");
    const reader = await newUserWithKey(server.url, "page-reader");
    const id = randomUUID();
    await owner.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "counted", content: "start" });
    await owner.user.shareInstance.mutate({ agent_instance_id: id, email: reader.email });
    const accessChecks = (statements: string[]) =>
      statements.filter((text) => /^select "user_id" from "agent_instances"/.test(text.trim()));
    proxy.takeStatements();
    const mine = await owner.user.listMessages.query({ agent_instance_id: id });
    expect(accessChecks(proxy.takeStatements())).toEqual([]);
    const shared = await reader.user.listMessages.query({ agent_instance_id: id });
    expect(accessChecks(proxy.takeStatements())).toHaveLength(1);
    expect(shared).toEqual(mine);
    expect(mine.messages.map((message) => message.content)).toEqual(["start"]);
  });
});
