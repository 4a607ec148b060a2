import { z } from "zod";

/**
 * The plans, defined once: every limit check, error and dashboard label reads this table.
 * A limit of null means unlimited. Omnara's own free plan allowed 10 agent instances per
 * calendar month (UTC) and Pro had no limit.
 */
export const plans = {
  free: { name: "Free", instancesPerMonth: 10 },
  pro: { name: "Pro", instancesPerMonth: null },
} as const satisfies Record<string, { name: string; instancesPerMonth: number | null }>;

export type PlanId = keyof typeof plans;
export const planIds = ["free", "pro"] as const satisfies readonly PlanId[];
export const PlanId = z.enum(planIds);
/** Plans bought through Stripe (each has a price id in the server's configuration). */
export const paidPlanIds = ["pro"] as const satisfies readonly PlanId[];
export const PaidPlanId = z.enum(paidPlanIds);
export type PaidPlanId = z.infer<typeof PaidPlanId>;

/** Why a new instance was refused: the plan's monthly limit, what was used, where to upgrade. */
export const PlanLimit = z.object({
  limit: z.number().int(),
  used: z.number().int(),
  upgrade_url: z.string(),
});
export type PlanLimit = z.infer<typeof PlanLimit>;

/** The message of every PAYMENT_REQUIRED refusal, the same on each surface. */
export const planLimitMessage = (limit: PlanLimit): string =>
  `Monthly limit reached: ${limit.used} of ${limit.limit} agent instances this month on the Free plan. Existing instances keep working; upgrade to start new ones: ${limit.upgrade_url}`;
