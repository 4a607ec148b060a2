import { planIds } from "@omnara/contracts";
import { boolean, pgEnum, pgTable, text, timestamp, uuid } from "drizzle-orm/pg-core";
import { users } from "./users.ts";

export const plan = pgEnum("plan", planIds);

/**
 * A user's plan and Stripe subscription, as Stripe last reported it. No row means the free
 * plan with no Stripe customer yet.
 */
export const billingAccounts = pgTable("billing_accounts", {
  userId: uuid()
    .primaryKey()
    .references(() => users.id, { onDelete: "cascade" }),
  plan: plan().notNull().default("free"),
  stripeCustomerId: text().unique(),
  stripeSubscriptionId: text(),
  /** Stripe's subscription status (active, trialing, past_due, canceled, …). */
  subscriptionStatus: text(),
  cancelAtPeriodEnd: boolean().notNull().default(false),
  currentPeriodEnd: timestamp({ withTimezone: true }),
  /** Set by invoice.payment_failed, cleared when the subscription is active again. */
  paymentFailedAt: timestamp({ withTimezone: true }),
  updatedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});

/** Stripe events already applied, by Stripe's event id: a redelivered event changes nothing. */
export const billingEvents = pgTable("billing_events", {
  id: text().primaryKey(),
  type: text().notNull(),
  userId: uuid().references(() => users.id, { onDelete: "set null" }),
  receivedAt: timestamp({ withTimezone: true }).notNull().defaultNow(),
});
