import type { OperationArgs, UserEvent, userOperations } from "@omnara/contracts";
import type { Caller, CoreDeps } from "../deps.ts";
import { type InstanceAccess, instanceRoleOf } from "../instances/instance-access.ts";
import { liveCounts } from "../instances/listings.ts";
import { instancesSharedWith } from "../instances/shared-with.ts";
import { notFound } from "../not-found.ts";
import { SAFETY_RECHECK_MS } from "../wait-for-event.ts";
import { type FeedPosition, formatPosition, parsePosition } from "./feed.ts";
import { checkResume, type FeedItem, type FeedScope, feedHead, readFeed } from "./feed-reads.ts";
import { StreamSignals } from "./stream-signals.ts";

/** An event and its id; the id is what a client sends back as lastEventId to resume. */
export interface StreamedEvent {
  id: string;
  event: UserEvent;
}

/** Most changes a stream replays; past it the client resyncs (refetches once) instead. */
export const REPLAY_BOUND = 500;
const PAGE = 100;
/** Heartbeats go out together, at most this often. */
const HEARTBEAT_EVERY_MS = 1_000;
/** Re-reads while committed rows wait behind an older transaction (see feed.ts). */
const HELD_BACK_RETRY_MS = [10, 25, 50, 100, 250, 500, 1_000];

/**
 * The user's live changes, resumable by construction: subscribe to the bus first, then read the
 * feed after the client's position, then read again whenever the bus says it moved. Ids are feed
 * positions in commit order (feed.ts), so a reconnect replays exactly what the client missed.
 * Only the caller's rows are ever read: the bus topic and every query are scoped to caller.userId.
 */
export function events(
  deps: CoreDeps,
  caller: Caller,
  /** The instance of an instance's stream, whose access rule was checked before the stream started. */
  instance: InstanceAccess | undefined,
  input: OperationArgs<typeof userOperations.events>,
  signal?: AbortSignal,
): AsyncGenerator<StreamedEvent> {
  return stream(deps, instance ? { userId: instance.ownerId } : caller, input, signal, instance);
}

function toEvent(item: FeedItem): UserEvent | undefined {
  if (item.kind === "instance") return { type: "instance", instance: item.instance };
  if (item.kind === "access")
    return { type: "access", agent_instance_id: item.agentInstanceId, instance: item.instance ?? null };
  // A message deleted with its instance: the instance's DELETED event follows.
  return item.message && { type: "message", message: item.message, instance: item.instance };
}

async function* stream(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.events>,
  signal: AbortSignal | undefined,
  instance?: InstanceAccess,
): AsyncGenerator<StreamedEvent> {
  const scope: FeedScope = { userId: caller.userId, agentInstanceId: input.agent_instance_id };
  const topic = scope.agentInstanceId ? { agentInstanceId: scope.agentInstanceId } : { userId: caller.userId };
  const signals = new StreamSignals(deps.bus, topic, caller.userId, signal);
  /** A user's stream also follows the instances shared with the user, as they come and go. */
  const follow = async () => {
    if (scope.agentInstanceId) return;
    const shared = await instancesSharedWith(deps.db, caller.userId);
    signals.follow(shared.map((row) => row.id));
  };
  let position: FeedPosition = { xid: "0", id: "0" };
  /** Jumps to the head; the client refetches what it shows and follows from there. */
  async function* resync(reason: "too_far_behind" | "unknown_position"): AsyncGenerator<StreamedEvent> {
    position = await feedHead(deps.db);
    yield { id: formatPosition(position), event: { type: "resync", reason } };
  }
  try {
    await follow();
    if (input.lastEventId) {
      position = parsePosition(input.lastEventId);
      yield { id: input.lastEventId, event: { type: "connected", resumed: true } };
      const check = await checkResume(deps.db, scope, position, REPLAY_BOUND);
      if (check !== "ok") yield* resync(check);
    } else {
      position = await feedHead(deps.db);
      yield { id: formatPosition(position), event: { type: "connected", resumed: false } };
    }

    let heldBack = false;
    let heldBackTries = 0;
    let lastRead = Date.now();
    let lastBeats = 0;
    while (!signal?.aborted) {
      if (signals.takeOverflow()) yield* resync("too_far_behind");
      // Dirty: the bus said the feed moved. The slow re-read bounds what an event lost in a way
      // nobody foresaw can cost: seconds, not the rest of the session.
      if (signals.takeAccessChanged()) {
        await follow();
        // A share's recipient watching one instance: the stream ends the moment the share does.
        if (
          instance &&
          instance.role !== "owner" &&
          !(await instanceRoleOf(deps.db, instance.userId, instance.instanceId))
        )
          throw notFound(`Agent instance ${instance.instanceId}`);
      }
      if (signals.takeDirty() || heldBack || Date.now() - lastRead >= SAFETY_RECHECK_MS) {
        lastRead = Date.now();
        let statusChanged = false;
        for (;;) {
          const page = await readFeed(deps.db, scope, position, PAGE);
          for (const item of page.ready) {
            position = item.position;
            statusChanged ||= item.kind === "instance";
            const event = toEvent(item);
            if (event) yield { id: formatPosition(position), event };
          }
          heldBack = page.heldBack;
          if (heldBack || page.ready.length < PAGE) break;
          // A full page: this client is behind. Past the bound, a resync is cheaper than a replay.
          if ((await checkResume(deps.db, scope, position, REPLAY_BOUND)) !== "ok") {
            yield* resync("too_far_behind");
            break;
          }
        }
        if (statusChanged && !scope.agentInstanceId) {
          const counts = await liveCounts(deps, caller);
          yield {
            id: formatPosition(position),
            event: { type: "summary", summary: counts.summary, awaiting_by_agent_type: counts.awaitingByAgentType },
          };
        }
        heldBackTries = heldBack ? heldBackTries + 1 : 0;
      }

      if (signals.takeTeamsChanged() && !scope.agentInstanceId) {
        yield { id: formatPosition(position), event: { type: "teams" } };
      }
      if (signals.hasBeats && Date.now() - lastBeats >= HEARTBEAT_EVERY_MS) {
        lastBeats = Date.now();
        yield { id: formatPosition(position), event: { type: "heartbeats", heartbeats: signals.takeBeats() } };
      }
      const reread = heldBack
        ? (HELD_BACK_RETRY_MS[heldBackTries - 1] ?? 1_000)
        : SAFETY_RECHECK_MS - (Date.now() - lastRead);
      const beatsDue = signals.hasBeats ? HEARTBEAT_EVERY_MS - (Date.now() - lastBeats) : reread;
      await signals.next(Math.max(0, Math.min(reread, beatsDue)));
    }
  } finally {
    signals.close();
  }
}
