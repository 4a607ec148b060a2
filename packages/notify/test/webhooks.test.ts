import { once } from "node:events";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { isPrivateAddress, postWebhook, signWebhook, verifyWebhookSignature } from "@omnara/notify";
import { expect, test } from "vitest";

test("private, loopback, link-local and mapped addresses are private; public ones are not", () => {
  for (const address of [
    "127.0.0.1",
    "10.0.0.8",
    "172.20.1.1",
    "192.168.1.1",
    "169.254.169.254",
    "100.64.0.1",
    "0.0.0.0",
    "::1",
    "::",
    "fe80::1",
    "fd00::1",
    "::ffff:127.0.0.1",
    "::ffff:10.0.0.1",
  ]) {
    expect(isPrivateAddress(address), address).toBe(true);
  }
  for (const address of ["93.184.216.34", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"]) {
    expect(isPrivateAddress(address), address).toBe(false);
  }
});

test("a signature verifies with its secret and body only, within the tolerance", () => {
  const header = signWebhook("whsec_a", '{"x":1}', 1_700_000_000);
  expect(header).toMatch(/^t=1700000000,v1=[0-9a-f]{64}$/);
  expect(verifyWebhookSignature("whsec_a", '{"x":1}', header, 1_700_000_100)).toBe(true);
  expect(verifyWebhookSignature("whsec_b", '{"x":1}', header, 1_700_000_100)).toBe(false);
  expect(verifyWebhookSignature("whsec_a", '{"x":2}', header, 1_700_000_100)).toBe(false);
  expect(verifyWebhookSignature("whsec_a", '{"x":1}', header, 1_700_001_000)).toBe(false);
});

async function receiver(handler: Parameters<typeof createServer>[1]) {
  const server = createServer(handler);
  server.listen(0, "127.0.0.1");
  await once(server, "listening");
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    [Symbol.asyncDispose]: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

const allow = { allowPrivate: true, timeoutMs: 10_000 };

test("a redirect is not followed and not retried", async () => {
  let hits = 0;
  await using target = await receiver((req, res) => {
    hits += 1;
    res.writeHead(302, { location: "http://169.254.169.254/" }).end();
  });
  const result = await postWebhook({ url: `${target.url}/x`, body: "{}", headers: {} }, allow);
  expect(result).toMatchObject({ ok: false, status: 302, retry: false });
  expect(result.error).toContain("not followed");
  expect(hits).toBe(1);
});

test("a receiver that does not answer in time is a retryable failure at the timeout", async () => {
  await using target = await receiver(() => {});
  const result = await postWebhook(
    { url: `${target.url}/slow`, body: "{}", headers: {} },
    { allowPrivate: true, timeoutMs: 300 },
  );
  expect(result).toMatchObject({ ok: false, status: null, retry: true, error: "no answer within 300 ms" });
});

test("only the first 512 bytes of a large answer are read and kept", async () => {
  await using target = await receiver((req, res) => {
    res.writeHead(200);
    res.end("y".repeat(1_000_000));
  });
  const result = await postWebhook({ url: target.url, body: "{}", headers: {} }, allow);
  expect(result.ok).toBe(true);
  expect(result.responseExcerpt).toBe("y".repeat(512));
});
