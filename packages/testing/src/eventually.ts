/**
 * How long a test allows a change carried by the bus (a wake, a stream event, a call ended by a
 * revocation) to take. The product's fallback for a lost event is a re-check every 30 s
 * (SAFETY_RECHECK_MS in core, RECHECK_MS of the credential watch), so a third of that still fails
 * a change that only the fallback picked up, while a CI machine at a load average of 40 (where
 * 2 s bounds failed) has room.
 */
export const LIVE_WITHIN_MS = 10_000;

/**
 * The tests' one polling helper: re-checks state that another process changes (behind an API or
 * in a database) until `check` returns a value other than undefined or false, or the deadline
 * passes. Where an event announces the change, await the event instead.
 */
export async function eventually<T>(
  what: string,
  check: () => T | Promise<T>,
  timeoutMs = 20_000,
): Promise<Exclude<T, undefined | false>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    // Narrowing a generic by value needs the cast: the two excluded values were just ruled out.
    if (value !== undefined && value !== false) return value as Exclude<T, undefined | false>;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
