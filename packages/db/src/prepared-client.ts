import type postgres from "postgres";

type Unsafe = postgres.Sql["unsafe"];

/**
 * The pool as drizzle should use it: every statement prepared (named, cached per connection).
 *
 * drizzle sends each query as `unsafe(text, params, { prepare: false })` unless given a name; for
 * an unprepared statement with parameters postgres.js first sends Parse + Describe and waits for
 * the parameter types, then binds: two waits on the database per statement, and a statement
 * waiting to be described stops everything queued behind it, so nothing is ever pipelined. With
 * the statement prepared once per connection, the next use binds at once: one wait. Our SQL is
 * written in code, so the cache is bounded by the shapes the code has (postgres.js re-prepares
 * by itself when a plan goes stale). Counted on the wire in the bench (round trips).
 */
export function preparedClient<T extends postgres.Sql | postgres.TransactionSql>(sql: T): T {
  return new Proxy(sql, {
    get(target, key, receiver) {
      if (key === "unsafe") {
        const unsafe: Unsafe = (query, parameters, options) =>
          target.unsafe(query, parameters, { ...options, prepare: true });
        return unsafe;
      }
      if (key === "begin" && "begin" in target) {
        // A transaction's own client too: drizzle runs a transaction's queries on it.
        return (...args: unknown[]) => {
          const fn = args.at(-1) as (tx: postgres.TransactionSql) => unknown;
          const options = args.length > 1 ? [args[0] as string] : [];
          return target.begin(...(options as []), (tx) => fn(preparedClient(tx)));
        };
      }
      return Reflect.get(target, key, receiver);
    },
  });
}
