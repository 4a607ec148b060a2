import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import { type LoadResult, load } from "./load.ts";

/**
 * Agent steps through the REST API as any agent sends them: `agents` connections, each one agent
 * with its own instance and one request in flight.
 */
export async function agentSendLoad(
  url: string,
  options: { agents: number; durationSeconds: number; serverPid: number },
): Promise<LoadResult> {
  const who = await newUserWithKey(url, "bench-sends");
  const ids = Array.from({ length: options.agents }, () => randomUUID());
  await Promise.all(
    ids.map((id) => who.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "bench", content: "warm up" })),
  );
  return load({
    url: `${url}/api/v1/messages/agent`,
    connections: options.agents,
    durationSeconds: options.durationSeconds,
    serverPid: options.serverPid,
    method: "POST",
    headers: { authorization: `Bearer ${who.apiKey}`, "content-type": "application/json" },
    bodyFor: (connection) => JSON.stringify({ agent_instance_id: ids[connection % ids.length], content: "a step" }),
  });
}
