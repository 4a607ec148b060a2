import type { CountingProxy, WireEvent } from "@omnara/testing";
import { type Summary, summarize } from "./stats.ts";
import { ANSWER_AFTER_MS, wakeRounds } from "./wake-latency.ts";

/** The legs of one wake, each from the end of the one before (ms). */
export interface WakeLegs {
  /** The reply's request until its first statement reached the database (HTTP, parsing, routing). */
  toFirst: number;
  /** Its first statement until its one statement reached the database (auth, access check). */
  toStatement: number;
  /** The reply's one statement: stored and committed (fsync). */
  statement: number;
  /** Its commit until its NOTIFY reached the LISTEN connection. */
  toNotify: number;
  /** The NOTIFY until the woken wait's delivery statement reached the database (in the server). */
  toDelivery: number;
  /** The delivery statement (the replies read, the delivery recorded and committed). */
  delivery: number;
  /** Its answer until the wait's response reached the agent's client. */
  toResponse: number;
}

export interface WakeProfile {
  rounds: number;
  total: Summary;
  legs: Record<keyof WakeLegs, Summary>;
  /** Statements the server sent, on every connection, from the reply leaving to the agent woken. */
  statements: Summary;
  /** Statements the server sent before the reply's one statement (median round). */
  before: string[];
  /** Statements the server sent between the NOTIFY and the delivery statement (median round). */
  between: string[];
}

const REPLY_STATEMENT = "insert into messages (id, agent_instance_id, sender_type, sender_user_id";
const DELIVERY_STATEMENT = "), pending as (";

function legsOf(
  wire: WireEvent[],
  started: number,
  woken: number,
): { legs: WakeLegs; before: string[]; between: string[]; statements: number } | undefined {
  const after = (from: number, match: (event: WireEvent) => boolean) =>
    wire.findIndex((event, index) => index > from && match(event));
  const first = after(-1, (e) => e.kind === "statement");
  const reply = after(-1, (e) => e.kind === "statement" && e.text.includes(REPLY_STATEMENT));
  const replyConnection = wire[reply]?.connection;
  const replied = after(reply, (e) => e.kind === "ready" && e.connection === replyConnection);
  const notify = after(reply, (e) => e.kind === "notify" && /"senderType":\s*"USER"/.test(e.text));
  const delivery = after(notify, (e) => e.kind === "statement" && e.text.includes(DELIVERY_STATEMENT));
  const deliveryConnection = wire[delivery]?.connection;
  const delivered = after(delivery, (e) => e.kind === "ready" && e.connection === deliveryConnection);
  const at = (index: number) => wire[index]?.at;
  const [f, r, rr, n, d, dd] = [at(first), at(reply), at(replied), at(notify), at(delivery), at(delivered)];
  if (f === undefined || r === undefined || rr === undefined || n === undefined || d === undefined || dd === undefined)
    return undefined;
  return {
    legs: {
      toFirst: f - started,
      toStatement: r - f,
      statement: rr - r,
      toNotify: n - rr,
      toDelivery: d - n,
      delivery: dd - d,
      toResponse: woken - dd,
    },
    statements: wire.filter((e) => e.kind === "statement" && e.at <= woken).length,
    before: wire.slice(first, reply).flatMap((e) => (e.kind === "statement" ? [e.text] : [])),
    between: wire.slice(notify + 1, delivery).flatMap((e) => (e.kind === "statement" ? [e.text] : [])),
  };
}

/**
 * Where a wake's time goes: the wake bench's settled rounds (the reply ANSWER_AFTER_MS after the
 * question) run against a server whose database
 * connections pass through a proxy that stamps each statement, answer and NOTIFY, so every leg
 * from the reply leaving the user's client to the agent's wait returning is timed in this one
 * process. The proxy adds a loopback hop to each database message (the total is above the
 * unproxied wake), so read the legs for their share, not as absolute figures.
 */
export async function wakeProfile(url: string, proxy: CountingProxy, rounds: number): Promise<WakeProfile> {
  const samples: { total: number; legs: WakeLegs; before: string[]; between: string[]; statements: number }[] = [];
  await wakeRounds(url, "bench-wake-profile", rounds, ANSWER_AFTER_MS, {
    beforeReply: () => proxy.takeTimeline(),
    woken: (started, woken) => {
      const legs = legsOf(proxy.takeTimeline(), started, woken);
      if (legs) samples.push({ total: woken - started, ...legs });
    },
  });
  const leg = (name: keyof WakeLegs) => summarize(samples.map((sample) => sample.legs[name]));
  const sorted = [...samples].sort((a, b) => a.total - b.total);
  return {
    rounds: samples.length,
    total: summarize(samples.map((sample) => sample.total)),
    statements: summarize(samples.map((sample) => sample.statements)),
    legs: {
      toFirst: leg("toFirst"),
      toStatement: leg("toStatement"),
      statement: leg("statement"),
      toNotify: leg("toNotify"),
      toDelivery: leg("toDelivery"),
      delivery: leg("delivery"),
      toResponse: leg("toResponse"),
    },
    before: sorted[Math.floor(sorted.length / 2)]?.before ?? [],
    between: sorted[Math.floor(sorted.length / 2)]?.between ?? [],
  };
}
