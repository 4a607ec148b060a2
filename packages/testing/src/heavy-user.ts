import postgres from "postgres";

export interface HeavyUserOptions {
  instances: number;
  messagesPerInstance: number;
  /** Other users, each with `otherInstances` instances of one message: data that must be skipped. */
  otherUsers: number;
  otherInstances: number;
}

/**
 * Fills a Postgres database with one user's heavy history, generated in SQL: 5 agent types, the
 * instances spread over statuses (1 in 50 waiting, some completed and deleted), their messages
 * (every fourth from the user), other users' data beside it, and a feed; then analyzes. For the
 * query-plan test and the bench's reads at scale. The user row must exist.
 */
export async function seedHeavyUser(databaseUrl: string, userId: string, options: HeavyUserOptions): Promise<void> {
  const sql = postgres(databaseUrl, { max: 1, onnotice: () => {}, fetch_types: false });
  try {
    await sql`insert into agent_types (user_id, name) select ${userId}, 'type ' || g from generate_series(1, 5) g`;
    await sql`
      insert into agent_instances (id, agent_type_id, user_id, status, started_at, latest_message, latest_message_at, chat_length)
      select gen_random_uuid(), (array(select id from agent_types where user_id = ${userId} order by name))[1 + g % 5], ${userId},
        (case when g % 50 = 0 then 'AWAITING_INPUT' when g % 7 = 0 then 'COMPLETED' when g % 11 = 0 then 'DELETED' else 'ACTIVE' end)::instance_status,
        now() - g * interval '1 minute', 'step', now() - g * interval '30 seconds', ${options.messagesPerInstance}
      from generate_series(1, ${options.instances}) g`;
    await sql`
      insert into messages (agent_instance_id, sender_type, content, requires_user_input, created_at)
      select i.id, (case when m % 4 = 0 then 'USER' else 'AGENT' end)::sender_type, 'message ' || m, false, i.started_at + m * interval '1 second'
      from agent_instances i, generate_series(1, ${options.messagesPerInstance}) m where i.user_id = ${userId}`;
    await sql`insert into users (email) select 'other-' || g || '-' || gen_random_uuid() || '@example.com' from generate_series(1, ${options.otherUsers}) g`;
    await sql`insert into agent_types (user_id, name) select id, 'other' from users where id <> ${userId} on conflict do nothing`;
    await sql`
      insert into agent_instances (id, agent_type_id, user_id, started_at)
      select gen_random_uuid(), t.id, t.user_id, now() - g * interval '1 minute'
      from agent_types t, generate_series(1, ${options.otherInstances}) g where t.user_id <> ${userId} and t.name = 'other'`;
    await sql`
      insert into messages (agent_instance_id, sender_type, content)
      select id, 'AGENT', 'other' from agent_instances where user_id <> ${userId}`;
    await sql`
      insert into feed_events (user_id, agent_instance_id, kind)
      select ${userId}, id, 'instance' from agent_instances where user_id = ${userId} limit 1000`;
    // The counts as reads leave them (folded: one row per count), not one row per generated instance.
    await sql`delete from instance_counts`;
    await sql`
      insert into instance_counts (user_id, agent_type_id, status, n)
      select user_id, agent_type_id, status, count(*) from agent_instances group by 1, 2, 3`;
    await sql.unsafe("vacuum analyze");
  } finally {
    await sql.end();
  }
}
