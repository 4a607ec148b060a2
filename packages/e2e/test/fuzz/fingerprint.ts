import type { Db } from "@omnara/db";
import { sql } from "drizzle-orm";

/**
 * Columns that change on reads by design: a key's last use is stamped on every authenticated call,
 * and an agent blocked in a wait is stamped alive by a batched write up to 200 ms after the wait
 * began (presence.ts), which can land while a later, refused probe is being judged.
 */
const VOLATILE = ["last_used_at", "last_heartbeat_at"];

const rowsOf = (result: unknown): Record<string, unknown>[] => {
  const rows: unknown = Array.isArray(result)
    ? result
    : typeof result === "object" && result !== null && "rows" in result
      ? result.rows
      : [];
  return Array.isArray(rows) ? rows : [];
};

/** Every table of the schema, found at run time so a new table is covered without a change here. */
export async function tableNames(db: Db): Promise<string[]> {
  const result = await db.execute(
    sql`select table_name from information_schema.tables where table_schema = 'public' and table_type = 'BASE TABLE' order by 1`,
  );
  return rowsOf(result).map((row) => String(row["table_name"]));
}

/** One hash of every row of every table: equal before and after means nothing was written. */
export async function fingerprint(db: Db, tables: readonly string[]): Promise<string> {
  const drop = VOLATILE.map((column) => ` - '${column}'`).join("");
  const parts = tables.map(
    (table) =>
      `select '${table}' as t, count(*)::text || ':' || coalesce(md5(string_agg(r, ',' order by r)), '') as h from (select (to_jsonb(x)${drop})::text as r from "${table}" x) s`,
  );
  const result = await db.execute(sql.raw(parts.join(" union all ")));
  return rowsOf(result)
    .map((row) => `${String(row["t"])}=${String(row["h"])}`)
    .join(" ");
}
