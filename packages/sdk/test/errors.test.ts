import { agentOperations } from "@omnara/contracts";
import { AuthenticationError, NetworkError, NotFoundError, Omnara, OmnaraError, ValidationError } from "@omnara/sdk";
import { newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test, vi } from "vitest";
import { agentWithSdk, fastRetry, recordingFetch } from "./harness.ts";

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer("pglite");
});
afterAll(() => server.close());

test("a bad API key is a typed AuthenticationError that says what to do, without retries", async () => {
  const spy = recordingFetch();
  const omnara = new Omnara({ apiKey: "omk_not_a_real_key", baseUrl: server.url, fetch: spy.fetch, retry: fastRetry });
  const error = await omnara.session({ agentType: "bot" }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(AuthenticationError);
  expect(error).toBeInstanceOf(OmnaraError);
  expect(error).toMatchObject({ code: "UNAUTHORIZED", status: 401, operation: "registerInstance" });
  expect(String(error)).toMatch(/OMNARA_API_KEY/);
  expect(spy.count("registerInstance")).toBe(1);
});

test("another account's instance is a NotFoundError", async () => {
  const { omnara: alice } = await agentWithSdk(server.url);
  const { omnara: mallory } = await agentWithSdk(server.url);
  const session = await alice.session({ agentType: "bot" });
  const error = await mallory.session({ agentType: "bot", instanceId: session.id }).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NotFoundError);
  expect(error).toMatchObject({ code: "NOT_FOUND", status: 404 });
});

test("invalid input is a ValidationError with field paths, before any request", async () => {
  const spy = recordingFetch();
  const { omnara } = await agentWithSdk(server.url, { fetch: spy.fetch });
  const session = await omnara.session({ agentType: "bot" });
  const sent = spy.sent.length;
  const error = await session.log("").catch((e: unknown) => e);
  expect(error).toBeInstanceOf(ValidationError);
  expect(error).toMatchObject({ code: "BAD_REQUEST", issues: [{ path: "content", message: "must not be empty" }] });
  await expect(session.ask("Pick", { options: ["a", "two\nlines"] })).rejects.toMatchObject({
    issues: [{ path: "options.1", message: "must be one non-empty line" }],
  });
  await expect(omnara.session({ agentType: "bot", instanceId: "not-a-uuid" })).rejects.toMatchObject({
    name: "ValidationError",
    issues: [{ path: "agent_instance_id" }],
  });
  expect(spy.sent.length).toBe(sent);
});

test("the server's validation errors keep their field paths", async () => {
  const { omnara } = await agentWithSdk(server.url);
  const session = await omnara.session({ agentType: "bot" });
  // A message id of another instance passes the schema but not the server's rules.
  const error = await omnara.api
    .waitForReply({ agent_instance_id: session.id, after_message_id: crypto.randomUUID(), timeout_seconds: 0 })
    .catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NotFoundError);
  const other = await omnara.api
    .sendMessage({ agent_instance_id: crypto.randomUUID(), content: "no agent type on a new instance" })
    .catch((e: unknown) => e);
  expect(other).toBeInstanceOf(ValidationError);
  expect(other).toMatchObject({ status: 400, issues: [{ path: "agent_type" }] });
});

test("an unreachable server is a NetworkError after the retries, naming the address", async () => {
  const omnara = new Omnara({
    apiKey: "k",
    baseUrl: "http://127.0.0.1:9",
    retry: { maxRetries: 2, minDelayMs: 1, maxDelayMs: 5 },
  });
  const error = await omnara.api.verifyKey({}).catch((e: unknown) => e);
  expect(error).toBeInstanceOf(NetworkError);
  expect(error).toMatchObject({ code: "NETWORK_ERROR", attempts: 3 });
  expect(String(error)).toMatch(/127\.0\.0\.1:9/);
});

test("apiKey and baseUrl come from the environment when not given, and are required", async () => {
  const human = await newUserWithKey(server.url);
  vi.stubEnv("OMNARA_API_KEY", human.apiKey);
  vi.stubEnv("OMNARA_BASE_URL", `${server.url}/`);
  try {
    const omnara = new Omnara();
    expect(omnara.baseUrl).toBe(server.url);
    expect(await omnara.api.verifyKey({})).toMatchObject({ success: true, user_id: human.userId });
    vi.stubEnv("OMNARA_API_KEY", "");
    expect(() => new Omnara()).toThrow(/OMNARA_API_KEY/);
    expect(() => new Omnara({ apiKey: "k", baseUrl: "not a url" })).toThrow(OmnaraError);
  } finally {
    vi.unstubAllEnvs();
  }
});

test("omnara.api offers every agent operation of the contracts", async () => {
  const { omnara } = await agentWithSdk(server.url);
  expect(Object.keys(omnara.api).sort()).toEqual(Object.keys(agentOperations).sort());
  const step = await omnara.api.logStep({ step_description: "via the MCP-style tool", agent_type: "bot" });
  expect(step).toMatchObject({ success: true, step_number: 1, user_feedback: [] });
});
