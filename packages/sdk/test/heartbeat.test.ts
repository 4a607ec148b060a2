import { execFile } from "node:child_process";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { inheritedEnv, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { agentWithSdk, recordingFetch } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer("pglite");
});
afterAll(() => server.close());

const INTERVAL_MS = 100;

test("heartbeats keep last_heartbeat_at fresh while a session is open, and stop after end", async () => {
  const spy = recordingFetch();
  const { human, omnara } = await agentWithSdk(server.url, { fetch: spy.fetch, heartbeatIntervalMs: INTERVAL_MS });
  const session = await omnara.session({ agentType: "bot" });
  const heartbeatAt = async () => {
    const detail = await human.user.getInstance.query({ agent_instance_id: session.id });
    return Date.parse(detail.last_heartbeat_at ?? "");
  };
  const registeredAt = await heartbeatAt();

  // Wait for two beats to have been answered: the second is sent only after the first settled.
  await spy.next("heartbeat");
  await spy.next("heartbeat");
  const freshened = await heartbeatAt();
  expect(freshened).toBeGreaterThan(registeredAt);
  expect((await human.user.getInstance.query({ agent_instance_id: session.id })).status).toBe("ACTIVE");

  await session.end();
  expect(session.heartbeating).toBe(false);
  const beatsAtEnd = spy.count("heartbeat");
  const endedAt = await heartbeatAt();
  // Nothing to await for an absence: give it several intervals, then check nothing was sent.
  await new Promise((resolve) => setTimeout(resolve, INTERVAL_MS * 5));
  expect(spy.count("heartbeat")).toBe(beatsAtEnd);
  expect(await heartbeatAt()).toBe(endedAt);
  expect((await human.user.getInstance.query({ agent_instance_id: session.id })).status).toBe("COMPLETED");
});

test("a failing heartbeat is reported to onBackgroundError and the beats go on", async () => {
  const errors: unknown[] = [];
  let failNext = true;
  const flaky: typeof globalThis.fetch = async (input, init) => {
    if (String(input).endsWith("/heartbeat") && failNext) {
      failNext = false;
      return new Response(
        JSON.stringify({
          error: { message: "down", code: -32603, data: { code: "INTERNAL_SERVER_ERROR", httpStatus: 500 } },
        }),
        {
          status: 500,
          headers: { "content-type": "application/json" },
        },
      );
    }
    return globalThis.fetch(input, init);
  };
  const spy = recordingFetch(flaky);
  const { omnara } = await agentWithSdk(server.url, {
    fetch: spy.fetch,
    heartbeatIntervalMs: INTERVAL_MS,
    retry: false,
    onBackgroundError: (error) => errors.push(error),
  });
  const session = await omnara.session({ agentType: "bot" });
  await spy.next("heartbeat");
  await spy.next("heartbeat");
  expect(errors).toHaveLength(1);
  expect(errors[0]).toMatchObject({ name: "ServerError", code: "INTERNAL_SERVER_ERROR", operation: "heartbeat" });
  await session.end();
});

test("heartbeatIntervalMs 0 turns heartbeats off", async () => {
  const { omnara } = await agentWithSdk(server.url, { heartbeatIntervalMs: 0 });
  const session = await omnara.session({ agentType: "bot" });
  expect(session.heartbeating).toBe(false);
  await session.end();
});

test("an open session does not keep the process alive, and its heartbeat stops at exit", async () => {
  const human = await newUserWithKey(server.url);
  const script = join(dirname(fileURLToPath(import.meta.url)), "fixtures/exit-with-open-session.ts");
  const { stdout } = await promisify(execFile)(process.execPath, ["--import", "tsx", script], {
    env: inheritedEnv({ OMNARA_API_KEY: human.apiKey, OMNARA_BASE_URL: server.url }),
    timeout: 20_000,
  });
  expect(stdout.trim().split("\n")).toEqual(["open: heartbeating true", "exit: heartbeating false"]);
});
