import { batchedUserClient, newUserWithKey, seedHeavyUser } from "@omnara/testing";
import postgres from "postgres";
import { type Summary, summarize } from "./stats.ts";

export interface ReadsAtScale {
  instances: number;
  messages: number;
  overview: Summary;
  instanceList: Summary;
  messagePage: Summary;
}

const timed = async (rounds: number, call: () => Promise<unknown>): Promise<Summary> => {
  for (let i = 0; i < 20; i++) await call();
  const samples: number[] = [];
  for (let i = 0; i < rounds; i++) {
    const started = performance.now();
    await call();
    samples.push(performance.now() - started);
  }
  return summarize(samples);
};

/**
 * The dashboard's reads for one user with a heavy history (generated in SQL), timed end to end
 * over HTTP one at a time: the overview (agent types with their recent instances, and the
 * counts, in one batched request as the page fetches them), the first instance page, a message page.
 */
export async function readsAtScale(
  url: string,
  databaseUrl: string,
  options: { instances: number; messagesPerInstance: number; rounds: number },
): Promise<ReadsAtScale> {
  const who = await newUserWithKey(url, "bench-heavy");
  await seedHeavyUser(databaseUrl, who.userId, {
    instances: options.instances,
    messagesPerInstance: options.messagesPerInstance,
    otherUsers: 50,
    otherInstances: 1_000,
  });
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, fetch_types: false });
  const [row] = await sql<{ id: string }[]>`
    select id from agent_instances where user_id = ${who.userId} and status = 'ACTIVE' limit 1`;
  await sql.end();
  const instanceId = row?.id ?? "";
  // The overview page asks for both in one turn, so the dashboard's batch link sends one request.
  const overview = batchedUserClient(url, who.sessionToken);
  return {
    instances: options.instances,
    messages: options.instances * options.messagesPerInstance,
    overview: await timed(options.rounds, () =>
      Promise.all([overview.listAgentTypes.query({}), overview.getSummary.query({})]),
    ),
    instanceList: await timed(options.rounds, () => who.user.listInstances.query({})),
    messagePage: await timed(options.rounds, () => who.user.listMessages.query({ agent_instance_id: instanceId })),
  };
}
