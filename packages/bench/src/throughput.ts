import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import { type LoadResult, load } from "./load.ts";

const WARM_UP_IN_FLIGHT = 8;

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
  // Eight at a time: the client keeps each socket it opened alive, and 128 idle warm-up sockets
  // beside the load's 128 went over the server's 256 connections per address (ECONNRESET).
  for (let at = 0; at < ids.length; at += WARM_UP_IN_FLIGHT) {
    await Promise.all(
      ids
        .slice(at, at + WARM_UP_IN_FLIGHT)
        .map((id) => who.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "bench", content: "warm up" })),
    );
  }
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
