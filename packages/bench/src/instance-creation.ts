import { randomUUID } from "node:crypto";
import { newUserWithKey } from "@omnara/testing";
import postgres from "postgres";
import { rate } from "./stats.ts";

/**
 * New agent instances per second (each call's first message creates one), one user per lane.
 * With billing on, every creation takes the user's row lock and reads the plan first; `pro`
 * puts the users on Pro (unlimited) directly in the database, so the run is not cut at 10.
 */
export async function instanceCreationRate(
  url: string,
  databaseUrl: string,
  options: { concurrency: number; durationMs: number; usersOnPro: boolean; oneUser?: boolean },
): Promise<number> {
  const users = await Promise.all(
    Array.from({ length: options.oneUser ? 1 : options.concurrency }, () => newUserWithKey(url, "bench-create")),
  );
  if (options.usersOnPro) {
    const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} });
    try {
      for (const user of users) {
        await sql`insert into billing_accounts (user_id, plan) values (${user.userId}, 'pro') on conflict (user_id) do update set plan = 'pro'`;
      }
    } finally {
      await sql.end();
    }
  }
  return rate(options.concurrency, options.durationMs, async (lane) => {
    const who = users[options.oneUser ? 0 : lane];
    if (!who) throw new Error(`no user for lane ${lane}`);
    const res = await fetch(`${url}/api/v1/messages/agent`, {
      method: "POST",
      headers: { authorization: `Bearer ${who.apiKey}`, "content-type": "application/json" },
      body: JSON.stringify({ agent_instance_id: randomUUID(), agent_type: "bench", content: "start" }),
    });
    if (res.status !== 200) throw new Error(`create failed: ${res.status} ${await res.text()}`);
    await res.arrayBuffer();
  });
}
