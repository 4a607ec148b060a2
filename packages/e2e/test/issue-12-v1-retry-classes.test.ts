import { randomUUID } from "node:crypto";
import { agentOperations, retryClassOf, v1Operations } from "@omnara/contracts";
import { describeEachDatabase, newUserWithKey, rest, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

/** v1 operations served by the same core call as one of ours: a retry is as safe as ours. */
const sameCall = [
  ["v1EndSession", "endSession"],
  ["v1Heartbeat", "heartbeat"],
  ["v1EndInstance", "endSession"],
] as const;

test("v1 operations that share our core call share its retry class", () => {
  for (const [v1, ours] of sameCall) {
    expect(retryClassOf(v1Operations[v1], {}), v1).toBe(retryClassOf(agentOperations[ours], {}));
  }
});

describeEachDatabase("the v1 calls marked safe answer a retry as the first time", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("heartbeat, end-session and the status PUT sent twice", async () => {
    const a = await newUserWithKey(server.url, "retry");
    const id = randomUUID();
    await a.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "x", content: "start" });
    const call = (method: string, path: string, body: unknown) =>
      rest(server.url, method, path, { token: a.apiKey, body });
    const beat = `/api/v1/agents/instances/${id}/heartbeat`;
    const beats = [await call("POST", beat, {}), await call("POST", beat, {})];
    expect(beats.map((r) => [r.status, r.body["agent_instance_id"]])).toEqual([
      [200, id],
      [200, id],
    ]);
    const put = `/api/v1/agent-instances/${id}/status`;
    const puts = [await call("PUT", put, { status: "COMPLETED" }), await call("PUT", put, { status: "COMPLETED" })];
    expect(puts.map((r) => r.status)).toEqual([200, 200]);
    expect(puts[1]?.body).toEqual(puts[0]?.body);
    const ends = [
      await call("POST", "/api/v1/sessions/end", { agent_instance_id: id }),
      await call("POST", "/api/v1/sessions/end", { agent_instance_id: id }),
    ];
    expect(ends.map((r) => r.status)).toEqual([200, 200]);
    expect(ends[1]?.body).toEqual(ends[0]?.body);
    expect(ends[0]?.body["final_status"]).toBe("COMPLETED");
  });
});
