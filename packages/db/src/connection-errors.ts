/**
 * postgres.js's own codes for a connection that went away, and the SQLSTATE classes of one that
 * cannot be used now: 08 (connection exception), 57P01–57P03 (shutdown, crash, starting up).
 * https://www.postgresql.org/docs/current/errcodes-appendix.html
 */
const DRIVER_CODES = new Set([
  "CONNECTION_CLOSED",
  "CONNECTION_ENDED",
  "CONNECTION_DESTROYED",
  "CONNECT_TIMEOUT",
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
]);

const isLostConnectionCode = (code: string): boolean =>
  DRIVER_CODES.has(code) || code.startsWith("08") || code === "57P01" || code === "57P02" || code === "57P03";

/**
 * Whether a query failed because the database could not be reached (an outage, a restart, a
 * dropped connection) rather than because of the query: the same query may work a moment later.
 * Drizzle wraps driver errors, so the causes are followed.
 */
export function isConnectionError(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 5; depth += 1) {
    const code = "code" in current ? current.code : undefined;
    if (typeof code === "string" && isLostConnectionCode(code)) return true;
    current = current.cause;
  }
  return false;
}
