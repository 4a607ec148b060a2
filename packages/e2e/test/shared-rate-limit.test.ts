import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Omnara, RateLimitError } from "@omnara/sdk";
import {
  createTestDatabase,
  describeEachDatabase,
  newUserWithKey,
  rest,
  startTestServer,
  type TestDatabase,
  type TestServer,
  testEnv,
} from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const LIMIT = 10;
const env = { OMNARA_RATE_LIMIT_PER_MINUTE: String(LIMIT) };

/** The most a bucket of LIMIT a minute can grant over `ms`: a full bucket and what refilled. */
const mostAllowed = (ms: number) => LIMIT + Math.ceil((ms / 60_000) * LIMIT);

const step = (apiKey: string, url: string, id: string) =>
  rest(url, "POST", "/api/v1/messages/agent", {
    token: apiKey,
    body: { agent_instance_id: id, agent_type: "limited", content: "step" },
  });

describeEachDatabase("rate limits: X-RateLimit-* on REST, the same code on tRPC, the SDK's typed error", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind, { env });
  });
  afterAll(() => server.close());

  test("each call reports its bucket; past it a 429 with Retry-After, TOO_MANY_REQUESTS on tRPC, RateLimitError in the SDK", async () => {
    const alice = await newUserWithKey(server.url, "alice");
    const id = randomUUID();
    const first = await step(alice.apiKey, server.url, id);
    expect(first.status).toBe(200);
    expect(first.headers.get("x-ratelimit-limit")).toBe(String(LIMIT));
    expect(Number(first.headers.get("x-ratelimit-remaining"))).toBe(LIMIT - 1);
    expect(Number(first.headers.get("x-ratelimit-reset"))).toBeGreaterThan(0);
    let last = first;
    for (let i = 1; i < LIMIT + 1 && last.status === 200; i++) last = await step(alice.apiKey, server.url, id);
    expect(last.status).toBe(429);
    expect([last.body.error?.code, last.headers.get("x-ratelimit-remaining")]).toEqual(["TOO_MANY_REQUESTS", "0"]);
    expect(Number(last.headers.get("retry-after"))).toBeGreaterThan(0);

    await expect(
      alice.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "limited", content: "more" }),
    ).rejects.toMatchObject({ data: { code: "TOO_MANY_REQUESTS", httpStatus: 429 } });
    const omnara = new Omnara({ apiKey: alice.apiKey, baseUrl: server.url, retry: { maxRetries: 0 } });
    const error = await omnara.api
      .sendMessage({ agent_instance_id: id, agent_type: "limited", content: "sdk" })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ code: "TOO_MANY_REQUESTS", status: 429 });
  });
});

describe.skipIf(testEnv.postgres === "skip" && !testEnv.ci)("rate limits across processes [postgres]", () => {
  let database: TestDatabase;
  let first: TestServer;
  let second: TestServer;
  let dataDir = "";
  beforeAll(async () => {
    database = await createTestDatabase("postgres");
    // One data directory: the servers share their signing secrets, as a deployment's do.
    dataDir = mkdtempSync(join(tmpdir(), "omnara-limits-"));
    first = await startTestServer("postgres", { env, database, dataDir });
    second = await startTestServer("postgres", { env, database, dataDir });
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  test("two servers on one Postgres enforce one limit together, under concurrent calls", async () => {
    const alice = await newUserWithKey(first.url, "alice");
    const started = Date.now();
    // One instance per call, so the only thing the calls share is the key's bucket.
    const statuses = await Promise.all(
      Array.from({ length: LIMIT * 3 }, (_, i) =>
        step(alice.apiKey, i % 2 === 0 ? first.url : second.url, randomUUID()),
      ),
    );
    const elapsed = Date.now() - started;
    const allowed = statuses.filter((res) => res.status === 200).length;
    // Per-process buckets would allow 2 × LIMIT here.
    expect(allowed).toBeGreaterThanOrEqual(LIMIT);
    expect(allowed).toBeLessThanOrEqual(mostAllowed(elapsed));
    expect(statuses.filter((res) => res.status !== 200).map((res) => res.status)).toEqual(
      Array.from({ length: statuses.length - allowed }, () => 429),
    );
    // Both servers refused some: the limit was theirs together.
    const refusedBy = new Set(statuses.flatMap((res, i) => (res.status === 429 ? [i % 2] : [])));
    expect(refusedBy).toEqual(new Set([0, 1]));
  });
});
