import { NetworkError, Omnara, RateLimitError } from "@omnara/sdk";
import { describeEachDatabase, startRestartableTestServer, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { agentWithSdk, fastRetry, procedureOf, recordingFetch } from "./harness.ts";

/** Lets the first request to `procedure` reach the server and be processed, then loses the answer. */
function dropFirstAnswer(procedure: string): typeof globalThis.fetch {
  let dropped = false;
  return async (input, init) => {
    const response = await globalThis.fetch(input, init);
    if (!dropped && procedureOf(input) === procedure) {
      dropped = true;
      await response.text();
      throw new TypeError("fetch failed (connection reset after the server answered: injected by the test)");
    }
    return response;
  };
}

describeEachDatabase("SDK retries", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test("a log whose answer is lost is retried with its idempotency key: one message is stored", async () => {
    const spy = recordingFetch(dropFirstAnswer("sendMessage"));
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    const logged = await session.log("Deploying to staging");
    expect(spy.count("sendMessage")).toBe(2);
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail.messages.map((m) => [m.id, m.content])).toEqual([[logged.messageId, "Deploying to staging"]]);
  });

  test("an ask whose question send is lost still stores one question and gets the reply", async () => {
    const spy = recordingFetch(dropFirstAnswer("sendMessage"));
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    const waiting = spy.next("waitForReply");
    const asked = session.ask("Ship it?");
    await waiting;
    await human.user.reply.mutate({ agent_instance_id: session.id, content: "ship" });
    expect((await asked).text).toBe("ship");
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail.messages.map((m) => m.content)).toEqual(["Ship it?", "ship"]);
  });

  test("a lost session registration is retried and resumes the instance it created", async () => {
    const spy = recordingFetch(dropFirstAnswer("registerInstance"));
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    expect(spy.count("registerInstance")).toBe(2);
    const list = await human.user.listInstances.query({});
    expect(list.instances.map((i) => i.id)).toEqual([session.id]);
  });

  test("a write without an idempotency key is not repeated after its answer is lost", async () => {
    const spy = recordingFetch(dropFirstAnswer("logStep"));
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    const error = await omnara.api
      .logStep({ agent_instance_id: session.id, step_description: "one step" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NetworkError);
    expect(spy.count("logStep")).toBe(1);
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail.messages.map((m) => m.content)).toEqual(["one step"]);
  });

  test("mirrored terminal input whose answer is lost is retried and stored once", async () => {
    const spy = recordingFetch(dropFirstAnswer("sendUserMessage"));
    const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    await omnara.api.sendUserMessage({ agent_instance_id: session.id, content: "typed at the terminal" });
    expect(spy.count("sendUserMessage")).toBe(2);
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    expect(detail.messages.map((m) => m.content)).toEqual(["typed at the terminal"]);
  });

  test("a 5xx that is not JSON (a proxy's error page) is retried", async () => {
    let failed = 0;
    const flaky: typeof globalThis.fetch = async (input, init) => {
      if (procedureOf(input) === "sendMessage" && failed < 2) {
        failed += 1;
        return new Response("<html>502 Bad Gateway</html>", { status: 502, headers: { "content-type": "text/html" } });
      }
      return globalThis.fetch(input, init);
    };
    const { human, omnara } = await agentWithSdk(server.url, { fetch: flaky });
    const session = await omnara.session({ agentType: "bot" });
    await session.log("through a flaky proxy");
    expect(failed).toBe(2);
    expect((await human.user.getInstance.query({ agent_instance_id: session.id })).chat_length).toBe(1);
  });

  test("the server restarting while ask waits: the reply posted after the restart is delivered", async () => {
    await using restartable = await startRestartableTestServer(kind);
    const spy = recordingFetch();
    const { human, omnara } = await agentWithSdk(restartable.url, { fetch: spy.fetch });
    const session = await omnara.session({ agentType: "bot" });
    const waiting = spy.next("waitForReply");
    const asked = session.ask("Still there after the deploy?", { timeoutMs: 60_000 });
    await waiting;

    await restartable.restart();
    const reply = await human.user.reply.mutate({ agent_instance_id: session.id, content: "yes, still here" });
    const answer = await asked;
    expect(answer.text).toBe("yes, still here");
    expect(answer.messages.map((m) => m.id)).toEqual([reply.id]);
    // The wait was cut and made again against the new process.
    expect(spy.count("waitForReply")).toBeGreaterThan(1);
    await session.end();
  });
});

describe("SDK retries on 429", () => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer("pglite", { env: { OMNARA_RATE_LIMIT_PER_MINUTE: "30" } });
  });
  afterAll(() => server.close());

  test("a 429 is retried after the server's retryAfterSeconds; without retries it is a RateLimitError", async () => {
    const { human } = await agentWithSdk(server.url);
    // 30 a minute is one token every 2 s. The bucket is drained by calling until refused, not by
    // a fixed count: under load the calls are slow enough for tokens to come back meanwhile.
    const impatient = new Omnara({ apiKey: human.apiKey, baseUrl: server.url, retry: false });
    let error: unknown;
    for (let call = 0; call < 200 && !(error instanceof RateLimitError); call++) {
      error = await impatient.api.verifyKey({}).catch((e: unknown) => e);
    }
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: "TOO_MANY_REQUESTS", status: 429 });
    // The wait for one token at 30 a minute, in whole seconds: 2 s, or 1 s once half refilled.
    expect([1_000, 2_000]).toContain(error instanceof RateLimitError ? error.retryAfterMs : undefined);

    // A retrying client on the same key: each answer's arrival and Retry-After, and each send.
    const timeline: { sentAt: number; answeredAt: number; status: number; retryAfterMs: number }[] = [];
    const timed: typeof globalThis.fetch = async (input, init) => {
      const sentAt = performance.now();
      const response = await globalThis.fetch(input, init);
      const retryAfterMs = Number(response.headers.get("retry-after") ?? 0) * 1000;
      timeline.push({ sentAt, answeredAt: performance.now(), status: response.status, retryAfterMs });
      return response;
    };
    const patient = new Omnara({ apiKey: human.apiKey, baseUrl: server.url, fetch: timed, retry: fastRetry });
    for (let call = 0; call < 100 && !timeline.some((t) => t.status === 429); call++) await patient.api.verifyKey({});
    const refused = timeline.findIndex((t) => t.status === 429);
    const refusal = timeline[refused];
    const retry = timeline[refused + 1];
    expect(refusal?.retryAfterMs).toBeGreaterThanOrEqual(1_000);
    expect(retry?.status).toBe(200);
    // The retry waited the server's Retry-After (1 ms of timer rounding allowed), not the 20 ms backoff.
    expect((retry?.sentAt ?? 0) - (refusal?.answeredAt ?? 0)).toBeGreaterThanOrEqual((refusal?.retryAfterMs ?? 0) - 1);
  });
});
