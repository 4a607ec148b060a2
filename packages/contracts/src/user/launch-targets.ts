import { z } from "zod";
import { limits } from "../limits.ts";
import { defineOperation } from "../operation.ts";
import { IsoDateTime, Uuid } from "../schemas.ts";
import { WebhookUrl } from "../webhooks.ts";

/** A runtime field the Start button asks for; `{{name}}` in the body takes its value. */
export const LaunchField = z.object({
  name: z.string().regex(/^[a-z_][a-z0-9_]{0,39}$/, "lower-case letters, digits and _ (a template name)"),
  label: z.string().trim().min(1).max(100).optional(),
  required: z.boolean().default(true),
});

const GithubName = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, "a GitHub owner or repository name");

/** Where a launch goes: your own URL with a JSON body template, or a GitHub repository_dispatch. */
export const LaunchTargetInput = z.discriminatedUnion("kind", [
  z.object({
    kind: z.literal("url"),
    url: WebhookUrl,
    /** JSON; `{{field}}` inside any string is replaced by the field's value (built in: agent_instance_id, agent_type). */
    body_template: z.record(z.string(), z.json()),
  }),
  z.object({
    kind: z.literal("github"),
    owner: GithubName,
    repo: GithubName,
    event_type: z.string().min(1).max(100),
    /** A token allowed to dispatch on the repository; stored encrypted, never shown again. Omit to keep the stored one. */
    token: z.string().min(1).max(500).optional(),
  }),
]);

export const LaunchTarget = z.object({
  agent_type_id: Uuid,
  kind: z.enum(["url", "github"]),
  url: z.string().nullable(),
  body_template: z.record(z.string(), z.json()).nullable(),
  owner: z.string().nullable(),
  repo: z.string().nullable(),
  event_type: z.string().nullable(),
  has_token: z.boolean(),
  fields: z.array(LaunchField),
  updated_at: IsoDateTime,
});
export type LaunchTarget = z.infer<typeof LaunchTarget>;

const byType = z.object({ agent_type_id: Uuid });

export const getLaunchTarget = defineOperation({
  id: "getLaunchTarget",
  audience: "user",
  access: "account",
  kind: "query",
  description: "The launch target of one of your agent types, or null when it has none.",
  input: byType,
  output: LaunchTarget.nullable(),
  rest: { method: "GET", path: "/api/v1/agent-types/{agent_type_id}/launch-target" },
});

export const setLaunchTarget = defineOperation({
  id: "setLaunchTarget",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Give an agent type a launch target, so the dashboard's Start button can start it: a URL of yours that receives the JSON body template (signed like every Omnara webhook, X-Omnara-Event: launch), or a GitHub repository_dispatch (POST /repos/{owner}/{repo}/dispatches with the token, which is stored encrypted). fields are what Start asks for.",
  input: z.object({
    agent_type_id: Uuid,
    target: LaunchTargetInput,
    fields: z.array(LaunchField).max(20).default([]),
  }),
  output: LaunchTarget,
  rest: { method: "PUT", path: "/api/v1/agent-types/{agent_type_id}/launch-target" },
});

export const deleteLaunchTarget = defineOperation({
  id: "deleteLaunchTarget",
  audience: "user",
  access: "account",
  kind: "mutation",
  description: "Remove an agent type's launch target (and its stored token).",
  input: byType,
  output: z.object({ success: z.literal(true) }),
  rest: { method: "DELETE", path: "/api/v1/agent-types/{agent_type_id}/launch-target" },
});

export const launchAgent = defineOperation({
  id: "launchAgent",
  audience: "user",
  access: "account",
  kind: "mutation",
  description:
    "Start an agent through its type's launch target: the body is built from the template and these field values and queued as a signed, retried webhook delivery (see the delivery log). agent_instance_id is a fresh id the launched agent may report under.",
  input: z.object({
    agent_type_id: Uuid,
    fields: z.record(z.string(), z.string().max(limits.messageChars)).default({}),
  }),
  output: z.object({ delivery_id: Uuid, agent_instance_id: Uuid }),
  rest: { method: "POST", path: "/api/v1/agent-types/{agent_type_id}/launch", status: 201 },
});
