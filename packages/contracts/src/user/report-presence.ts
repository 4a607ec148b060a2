import { z } from "zod";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, Uuid } from "../schemas.ts";

export const reportPresence = defineOperation({
  id: "reportPresence",
  audience: "user",
  access: { instance: "read" },
  kind: "mutation",
  description:
    "Tell the server this dashboard tab shows an instance and is visible (visible: true), so no notification is sent for it while the user is watching; repeat before ttl_seconds pass. Send visible: false when the tab is hidden or leaves the instance. Unknown or expired means not watching: notifications go out.",
  input: z.object({
    agent_instance_id: Uuid,
    visible: z.boolean(),
    /** A random id per tab, so one tab going away does not hide another that still watches. */
    client_id: z.string().min(1).max(100),
    ttl_seconds: z.number().int().min(5).max(300).default(60),
  }),
  output: z.object({ success: z.literal(true), expires_at: IsoDateTime.nullable() }),
  rest: { method: "POST", path: "/api/v1/notifications/presence" },
});
