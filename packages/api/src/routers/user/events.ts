import * as core from "@omnara/core";
import { tracked } from "@trpc/server";
import type { UserHandlers } from "../../handlers.ts";

async function* withIds(stream: AsyncIterable<core.StreamedEvent>) {
  for await (const { id, event } of stream) yield tracked(id, event);
}

export const userEventHandlers = {
  /** Served over SSE; tracked ids let the client's link resume with lastEventId. */
  events: ({ ctx, input, signal }) => withIds(core.events(ctx.deps, ctx.user, ctx.access, input, signal)),
} satisfies Partial<UserHandlers>;
