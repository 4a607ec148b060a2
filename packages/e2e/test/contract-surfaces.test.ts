import { agentRouter, publicRouter, userRouter, v1Router } from "@omnara/api";
import { allOperations, operations } from "@omnara/contracts";
import { FakeStripe, rest, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, describe, expect, test } from "vitest";

const routers = { agent: agentRouter, user: userRouter, public: publicRouter, v1: v1Router } as const;

describe("every surface is generated from the contracts", () => {
  test("each tRPC router has exactly the registry's operations, with the contract's kind", () => {
    for (const [group, ops] of Object.entries(operations)) {
      const router = routers[group as keyof typeof routers];
      const procedures = router._def.procedures as Record<string, { _def: { type: string } }>;
      expect(Object.keys(procedures).sort(), group).toEqual(Object.keys(ops).sort());
      for (const [id, op] of Object.entries(ops)) {
        expect(op.id, `${group}.${id} key`).toBe(id);
        // v1 is Omnara's v1 agent REST API: agent keys, like the agent group.
        expect(op.audience).toBe(group === "v1" ? "agent" : group);
        expect(procedures[id]?._def.type, `${group}.${id} kind`).toBe(op.kind);
      }
    }
  });

  test("REST bindings are unique per audience and every description is a real paragraph", () => {
    // A v1 path may serve an agent key and a user session (GET/PUT agent-instances/{id}).
    const routes = allOperations.flatMap((op) => (op.rest ? [`${op.audience} ${op.rest.method} ${op.rest.path}`] : []));
    expect(new Set(routes).size).toBe(routes.length);
    for (const op of allOperations) expect(op.description.length, op.id).toBeGreaterThan(30);
  });

  describe("over HTTP", () => {
    let server: TestServer;
    let stripe: FakeStripe;
    // Billing on, so its routes exist too (without it they are absent: issue-18-billing).
    beforeAll(async () => {
      stripe = await FakeStripe.start();
      server = await startTestServer("pglite", { env: stripe.env() });
    });
    afterAll(async () => {
      await server.close();
      await stripe.close();
    });

    test("every REST binding answers (401 without a token, never a route 404) and is in /openapi.json", async () => {
      const doc = await rest(server.url, "GET", "/openapi.json");
      type Documented = { operationId: string; "x-agent-key-operation"?: { operationId: string } };
      const paths = doc.body["paths"] as Record<string, Record<string, Documented>>;
      for (const op of allOperations) {
        if (!op.rest) continue;
        const documented = paths[op.rest.path]?.[op.rest.method.toLowerCase()];
        const ids = [documented?.operationId, documented?.["x-agent-key-operation"]?.operationId];
        expect(ids, op.id).toContain(op.id);
        const path = op.rest.path.replace(/\{\w+\}/g, "00000000-0000-4000-8000-000000000000");
        const res = await rest(
          server.url,
          op.rest.method,
          path,
          op.rest.method === "GET" || op.rest.method === "DELETE" ? {} : { body: {} },
        );
        if (op.audience === "public") {
          expect({ op: op.id, routed: res.status !== 404 && res.status !== 405 }).toEqual({ op: op.id, routed: true });
        } else {
          expect({ op: op.id, status: res.status }).toEqual({ op: op.id, status: 401 });
        }
      }
    });
  });
});
