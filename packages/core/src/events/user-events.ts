import type { OperationArgs, UserEvent, userOperations } from "@omnara/contracts";
import type { Caller, CoreDeps } from "../deps.ts";
import { loadOwnedInstance } from "../instances/owned-instance.ts";
import { busQueue } from "./bus-queue.ts";
import { latestSeq, messagesAfter, ownedInstanceRow, ownedMessage } from "./event-rows.ts";

/** An event and its id; the id is what a client sends back as lastEventId to resume. */
export interface StreamedEvent {
  id: string;
  event: UserEvent;
}

const BACKFILL_PAGE = 200;

/**
 * The user's live changes, resumable by construction: subscribe to the bus first, then replay
 * the messages stored after lastEventId, then follow the bus. Ids are message seqs (the total
 * order of messages), so a reconnect replays exactly what the client missed. Only the caller's
 * rows are ever read: the bus filter and every query are scoped to caller.userId.
 */
export async function events(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.events>,
  signal?: AbortSignal,
): Promise<AsyncGenerator<StreamedEvent>> {
  // Checked before the stream starts, so a wrong id is a NOT_FOUND the client stops on, not a
  // stream failure it would retry.
  if (input.agent_instance_id) await loadOwnedInstance(deps.db, caller.userId, input.agent_instance_id);
  return stream(deps, caller, input, signal);
}

async function* stream(
  deps: CoreDeps,
  caller: Caller,
  input: OperationArgs<typeof userOperations.events>,
  signal: AbortSignal | undefined,
): AsyncGenerator<StreamedEvent> {
  const instanceId = input.agent_instance_id;
  const live = busQueue(
    deps.bus,
    instanceId ? { agentInstanceId: instanceId } : { userId: caller.userId },
    (event) => event.userId === caller.userId && event.type !== "credentialRevoked",
    signal,
  );
  try {
    const resumeFrom = input.lastEventId ? Number(input.lastEventId) : undefined;
    // The highest seq delivered; every id says "all messages up to here reached you".
    let watermark = resumeFrom ?? (await latestSeq(deps.db, caller.userId, instanceId));
    yield { id: String(watermark), event: { type: "connected", resumed: resumeFrom !== undefined } };

    // A message stored before the bus subscription but published after it is in both the
    // replay and the live queue; the set keeps it from being sent twice.
    const replayed = new Set<number>();
    if (resumeFrom !== undefined) {
      for (;;) {
        const page = await messagesAfter(deps.db, caller.userId, instanceId, watermark, BACKFILL_PAGE);
        for (const row of page) {
          replayed.add(row.seq);
          watermark = row.seq;
          yield { id: String(watermark), event: { type: "message", message: row.message, instance: row.instance } };
        }
        if (page.length < BACKFILL_PAGE) break;
      }
    }

    for await (const change of live) {
      if (change.type === "message") {
        const row = await ownedMessage(deps.db, caller.userId, change.messageId);
        if (!row || replayed.has(row.seq)) continue;
        watermark = Math.max(watermark, row.seq);
        yield { id: String(watermark), event: { type: "message", message: row.message, instance: row.instance } };
      } else {
        const instance = await ownedInstanceRow(deps.db, caller.userId, change.agentInstanceId);
        if (instance) yield { id: String(watermark), event: { type: "instance", instance } };
      }
    }
  } finally {
    live.close();
  }
}
