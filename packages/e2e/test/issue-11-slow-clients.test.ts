import { randomUUID } from "node:crypto";
import { connect, type Socket } from "node:net";
import { newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

const ATTACKER = "127.0.0.2";
const SOCKETS = 300;
/** The server's default per-address cap; sockets beyond it are refused at once. */
const CAP = 256;
/**
 * "At once" against the server's 10 s header timeout (http-server.ts), which is what frees a
 * socket that was let in: half of it leaves a loaded CI machine room and still tells them apart.
 */
const AT_ONCE_MS = 5_000;

let server: TestServer;
beforeAll(async () => {
  server = await startTestServer("pglite");
});
afterAll(() => server.close());

interface Trickler {
  socket: Socket;
  closedAt: Promise<number>;
  /** What the server sent back. */
  received: () => string;
}

/**
 * A socket from another loopback address that sends a request one byte every second: half of
 * them trickle their headers (slowloris), half send headers and trickle a login body.
 */
function trickle(port: number, slowHeaders: boolean): Trickler {
  const socket = connect({ host: "127.0.0.1", port, localAddress: ATTACKER });
  const head = slowHeaders
    ? "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nX-Padding: "
    : "POST /api/v1/auth/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n";
  const closedAt = new Promise<number>((resolve) => socket.once("close", () => resolve(Date.now())));
  let received = "";
  socket.on("data", (chunk: Buffer) => {
    received += chunk.toString("utf8");
  });
  socket.on("error", () => {});
  socket.once("connect", () => {
    socket.write(slowHeaders ? head : `${head}{`);
    const timer = setInterval(() => {
      if (socket.destroyed) return clearInterval(timer);
      socket.write(slowHeaders ? "a" : " ");
    }, 1_000);
    socket.once("close", () => clearInterval(timer));
  });
  return { socket, closedAt, received: () => received };
}

test("trickling sockets are closed within 30 s while /healthz and real long waits keep working", async () => {
  const alice = await newUserWithKey(server.url, "alice");
  const instanceId = randomUUID();
  const question = await alice.agent.sendMessage.mutate({
    agent_instance_id: instanceId,
    agent_type: "Claude Code",
    content: "Which branch?",
    requires_user_input: true,
  });
  // A long-poll longer than the request timeout (20 s): its request is complete, so it is not cut.
  const longPoll = fetch(
    `${server.url}/api/v1/messages/wait?agent_instance_id=${instanceId}&after_message_id=${question.message_id}&timeout_seconds=24`,
    { headers: { authorization: `Bearer ${alice.apiKey}` } },
  );
  // An SSE stream held open past the request timeout keeps receiving (pings every 15 s).
  const sse = await fetch(`${server.url}/api/trpc/user/events?input=${encodeURIComponent("{}")}`, {
    headers: { authorization: `Bearer ${alice.sessionToken}`, accept: "text/event-stream" },
  });
  expect(sse.status).toBe(200);
  const sseReader = sse.body?.getReader();
  let sseBytes = 0;
  let sseLastChunkAt = 0;
  let sseEnded = false;
  void (async () => {
    for (;;) {
      const chunk = await sseReader?.read().catch(() => undefined);
      if (!chunk || chunk.done) {
        sseEnded = true;
        return;
      }
      sseBytes += chunk.value.length;
      sseLastChunkAt = Date.now();
    }
  })();

  const started = Date.now();
  const sockets = Array.from({ length: SOCKETS }, (_, i) => trickle(server.port, i % 2 === 0));

  // /healthz from the ordinary address, four times a second, until every trickler is gone.
  const latencies: number[] = [];
  let allClosed = false;
  const closed = Promise.all(sockets.map((s) => s.closedAt)).then((times) => {
    allClosed = true;
    return times;
  });
  while (!allClosed && Date.now() - started < 40_000) {
    const t0 = performance.now();
    const res = await fetch(`${server.url}/healthz`, { signal: AbortSignal.timeout(AT_ONCE_MS) });
    expect(res.status).toBe(200);
    await res.json();
    latencies.push(performance.now() - t0);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  const closedTimes = await closed;
  const slowest = Math.max(...closedTimes) - started;
  const refusedAtOnce = closedTimes.filter((at) => at - started < AT_ONCE_MS).length;
  console.log(
    `slow clients: ${SOCKETS} sockets, ${refusedAtOnce} refused at once, last closed after ${slowest} ms; healthz max ${Math.round(Math.max(...latencies))} ms over ${latencies.length} probes`,
  );
  expect(slowest).toBeLessThan(30_000);
  expect(refusedAtOnce).toBeGreaterThanOrEqual(SOCKETS - CAP);
  // Those over the cap were told why, with a coded 429, not reset.
  const refusals = sockets.map((s) => s.received()).filter((text) => text.startsWith("HTTP/1.1 429 "));
  expect(refusals.length).toBe(SOCKETS - CAP);
  const [refusal = ""] = refusals;
  expect(refusal).toMatch(/\r\nretry-after: 1\r\n/);
  expect(JSON.parse(refusal.slice(refusal.indexOf("\r\n\r\n") + 4))).toMatchObject({
    error: { code: "TOO_MANY_REQUESTS" },
  });
  expect(latencies.length).toBeGreaterThan(20);
  // A server held up by the tricklers would answer only when their header timeout freed it.
  expect(Math.max(...latencies)).toBeLessThan(AT_ONCE_MS);

  const wait = await longPoll;
  expect(wait.status).toBe(200);
  expect(await wait.json()).toMatchObject({ status: "timeout" });
  expect(sseBytes).toBeGreaterThan(0);
  expect(sseLastChunkAt - started).toBeGreaterThan(10_000);
  expect(sseEnded).toBe(false);
  await sseReader?.cancel();
}, 60_000);
