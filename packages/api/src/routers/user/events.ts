import { userOperations as ops } from "@omnara/contracts";
import * as core from "@omnara/core";
import { tracked } from "@trpc/server";
import { userProcedure } from "../../trpc.ts";

async function* withIds(stream: AsyncIterable<core.StreamedEvent>) {
  for await (const { id, event } of stream) yield tracked(id, event);
}

export const userEventProcedures = {
  /** Served over SSE; tracked ids let the client's link resume with lastEventId. */
  events: userProcedure
    .input(ops.events.input)
    .subscription(async ({ ctx, input, signal }) => withIds(await core.userEvents(ctx.deps, ctx.user, input, signal))),
};
