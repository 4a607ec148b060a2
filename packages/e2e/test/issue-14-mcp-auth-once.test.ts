import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { jsonRpcMessage, openMcpSession, toolCall } from "./fuzz/surfaces.ts";

/**
 * An MCP tool call checks its API key once: at the door of its HTTP request, and the tool's
 * in-process procedure call reuses that check (it used to verify and look the key up again).
 * Each key check verifies the token with the server's API-key secret, so reads of that secret
 * count checks.
 */
const CALLS = 5;

describeEachDatabase("issue 14: MCP authenticates once per tool call", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  test(`${CALLS} log_step calls over /mcp: ${CALLS} key checks`, async () => {
    const alice = await newUserWithKey(server.url, "mcp-auth");
    const session = await openMcpSession(server.url, alice.apiKey);
    const secrets = server.deps.secrets;
    let checks = 0;
    server.deps.secrets = {
      ...secrets,
      get apiKeySecret() {
        checks += 1;
        return secrets.apiKeySecret;
      },
    };
    try {
      for (let call = 0; call < CALLS; call++) {
        const res = await fetch(`${server.url}/mcp`, {
          method: "POST",
          headers: session.headers,
          body: JSON.stringify(toolCall(session, "log_step", { step_description: `step ${call}` })),
        });
        expect(jsonRpcMessage(await res.text())).toMatchObject({ result: { structuredContent: { success: true } } });
      }
      expect(checks).toBe(CALLS);
    } finally {
      server.deps.secrets = secrets;
    }
  });
});
