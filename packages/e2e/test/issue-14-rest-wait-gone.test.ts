import { randomUUID } from "node:crypto";
import {
  busSubscriptions,
  describeEachDatabase,
  eventually,
  newUserWithKey,
  rest,
  startTestServer,
  type TestServer,
} from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

/**
 * A REST call is aborted only when its client went away before the answer (a finished response
 * closes too, and aborting it cost a DOMException per request): a long wait whose client left
 * must still give up its bus subscription, and answered calls keep working on the same sockets.
 */
describeEachDatabase("issue 14: a REST wait whose client went away ends", (kind) => {
  let server: TestServer;
  const subscriptions = () => busSubscriptions(server.deps.bus);
  beforeAll(async () => {
    server = await startTestServer(kind);
    subscriptions();
  });
  afterAll(() => server.close());

  test("its subscription is given up; answered calls before and after are unaffected", async () => {
    const a = await newUserWithKey(server.url, "gone");
    const id = randomUUID();
    const asked = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: a.apiKey,
      body: { agent_instance_id: id, agent_type: "gone", content: "Ship it?", requires_user_input: true },
    });
    expect(asked.status).toBe(200);
    const before = subscriptions();
    const left = new AbortController();
    const query = `agent_instance_id=${id}&after_message_id=${asked.body["message_id"]}&timeout_seconds=60`;
    const wait = fetch(`${server.url}/api/v1/messages/wait?${query}`, {
      headers: { authorization: `Bearer ${a.apiKey}` },
      signal: left.signal,
    }).catch((error: unknown) => error);
    await eventually("the wait to subscribe", () => subscriptions() > before);
    left.abort();
    expect(await wait).toBeInstanceOf(Error);
    await eventually("the wait to give up its subscription", () => subscriptions() === before);

    const step = await rest(server.url, "POST", "/api/v1/messages/agent", {
      token: a.apiKey,
      body: { agent_instance_id: id, content: "a step" },
    });
    expect(step.status).toBe(200);
    expect(subscriptions()).toBe(before);
  });
});
