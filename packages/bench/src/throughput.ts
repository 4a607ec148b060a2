import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import postgres from "postgres";
import { rate } from "./stats.ts";

/** Agent steps per second through the HTTP API (REST, as any agent would call it). */
export async function agentMessageRate(url: string, concurrency: number, durationMs: number): Promise<number> {
  const who = await newUserWithKey(url, "bench-rate");
  const ids = Array.from({ length: concurrency }, () => randomUUID());
  await Promise.all(
    ids.map((id) => who.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "bench", content: "warm up" })),
  );
  let n = 0;
  return rate(concurrency, durationMs, async (lane) => {
    n += 1;
    const res = await fetch(`${url}/api/v1/messages/agent`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ agent_instance_id: ids[lane], content: `step ${n}` }),
    });
    if (res.status !== 200) throw new Error(`send failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });
}

/**
 * The ceiling: single-row INSERTs into the same messages table through postgres.js with the same
 * concurrency, no HTTP, no auth, no transaction around it.
 */
export async function rawInsertRate(databaseUrl: string, concurrency: number, durationMs: number): Promise<number> {
  const sql = postgres(databaseUrl, { max: concurrency, onnotice: () => {} });
  try {
    const [instance] = await sql<{ id: string }[]>`select id from agent_instances limit 1`;
    if (!instance) throw new Error("no instance to insert messages into");
    let n = 0;
    return await rate(concurrency, durationMs, async () => {
      n += 1;
      await sql`insert into messages (agent_instance_id, sender_type, content) values (${instance.id}, 'AGENT', ${`raw ${n}`})`;
    });
  } finally {
    await sql.end();
  }
}

/** What no API call can beat on this machine: an HTTP request that touches no database. */
export function bareHttpRate(url: string, concurrency: number, durationMs: number): Promise<number> {
  return rate(concurrency, durationMs, async () => {
    const res = await fetch(`${url}/healthz`);
    await res.arrayBuffer();
  });
}
