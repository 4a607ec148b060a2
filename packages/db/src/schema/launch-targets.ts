import type { Metadata } from "@omnara/contracts";
import { jsonb, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { agentTypes } from "./agents.ts";
import { users } from "./users.ts";

export const launchKind = pgEnum("launch_kind", ["url", "github"]);

/** A runtime field of a launch: `{{name}}` in the template. */
export interface LaunchFieldRow {
  name: string;
  label?: string | undefined;
  required: boolean;
}

/**
 * How the dashboard's Start button starts an agent type: a URL with a JSON body template, or a
 * GitHub repository_dispatch whose token is kept sealed (AES-256-GCM under a key derived from the
 * server's secrets; core/webhooks/sealed.ts), one per agent type.
 */
export const launchTargets = pgTable("launch_targets", {
  agentTypeId: uuid()
    .primaryKey()
    .references(() => agentTypes.id, { onDelete: "cascade" }),
  userId: uuid()
    .notNull()
    .references(() => users.id, { onDelete: "cascade" }),
  kind: launchKind().notNull(),
  url: text(),
  bodyTemplate: jsonb().$type<Metadata>(),
  githubOwner: text(),
  githubRepo: text(),
  githubEventType: text(),
  tokenSealed: text(),
  fields: jsonb().$type<LaunchFieldRow[]>().notNull(),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
