import type { NotificationChannel } from "@omnara/contracts";
import { type Db, schema } from "@omnara/db";
import { and, asc, eq, gt, inArray, ne } from "drizzle-orm";
import { displayAgentName, notificationContent } from "./content.ts";
import { isQuietTime } from "./quiet-hours.ts";

const { notificationJobs: jobs, notificationThrottle: throttle, notificationDeliveries: deliveries } = schema;
const { notificationLog: log, notificationDevices: devices, notificationPresence: presence } = schema;

export interface PlanOptions {
  db: Db;
  now: () => Date;
  dedupeWindowMs: number;
  /** Channels this process has a provider for. */
  channels: ReadonlySet<NotificationChannel>;
  publicUrl: string | undefined;
}

type JobRow = typeof jobs.$inferSelect;
type LogValues = typeof log.$inferInsert;
type DeliveryValues = typeof deliveries.$inferInsert;
type Content = DeliveryValues["content"];
type Settings = Omit<typeof schema.notificationSettings.$inferSelect, "userId" | "updatedAt">;

interface Plan {
  logs: LogValues[];
  deliveries: DeliveryValues[];
}

const channelLabel: Record<NotificationChannel, string> = {
  apns: "APNs",
  fcm: "FCM",
  web_push: "Web Push",
  email: "Email (SMTP)",
};

/**
 * Turns a pending job into deliveries (one per device, one for email) and log entries for what
 * is not sent. For an instance the rate limit applies: within the window the job waits for the
 * window's end, and then every job of the instance still waiting goes out as one, with a count.
 */
export async function planJob(options: PlanOptions, jobId: string): Promise<void> {
  const [peek] = await options.db
    .select({ instanceId: jobs.agentInstanceId, userId: jobs.userId })
    .from(jobs)
    .where(eq(jobs.id, jobId));
  if (!peek) return;
  const { instanceId, userId } = peek;
  // Each recipient of an instance (its owner, the people it is shared with) has its own window.
  const gateOf = and(eq(throttle.agentInstanceId, instanceId ?? ""), eq(throttle.userId, userId));
  await options.db.transaction(async (tx) => {
    const now = options.now();
    if (!instanceId) {
      const [job] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).for("update");
      if (job?.state !== "pending") return;
      await commit(tx, job, [job], await planTest(tx, options, job, now));
      return;
    }
    // The instance's gate is locked before any job row, so planners of one instance queue up
    // here instead of deadlocking on the jobs they collapse.
    await tx.insert(throttle).values({ agentInstanceId: instanceId, userId }).onConflictDoNothing();
    const [gate] = await tx.select().from(throttle).where(gateOf).for("update");
    const [job] = await tx.select().from(jobs).where(eq(jobs.id, jobId)).for("update");
    if (job?.state !== "pending") return;
    const opensAt = gate?.lastSentAt ? gate.lastSentAt.getTime() + options.dedupeWindowMs : 0;
    if (now.getTime() < opensAt) {
      await tx
        .update(jobs)
        .set({ runAt: new Date(opensAt), leaseUntil: null })
        .where(eq(jobs.id, job.id));
      return;
    }
    const group = await tx
      .select()
      .from(jobs)
      .where(and(eq(jobs.agentInstanceId, instanceId), eq(jobs.userId, userId), eq(jobs.state, "pending")))
      .orderBy(asc(jobs.seq))
      .for("update");
    const plan = await planInstance(tx, options, job, group, now);
    await commit(tx, job, group, plan);
    if (plan.deliveries.length > 0) {
      await tx.update(throttle).set({ lastSentAt: now }).where(gateOf);
    }
  });
}

async function commit(tx: Db, job: JobRow, group: JobRow[], plan: Plan): Promise<void> {
  const others = group.filter((member) => member.id !== job.id).map((member) => member.id);
  if (others.length > 0) {
    await tx
      .update(jobs)
      .set({ state: "collapsed", collapsedInto: job.id, leaseUntil: null })
      .where(inArray(jobs.id, others));
  }
  await tx.update(jobs).set({ state: "planned", count: group.length, leaseUntil: null }).where(eq(jobs.id, job.id));
  if (plan.logs.length > 0) await tx.insert(log).values(plan.logs);
  if (plan.deliveries.length > 0) await tx.insert(deliveries).values(plan.deliveries);
}

async function loadSettings(tx: Db, userId: string): Promise<Settings> {
  const [row] = await tx
    .select()
    .from(schema.notificationSettings)
    .where(eq(schema.notificationSettings.userId, userId));
  return row ?? schema.defaultNotificationSettings;
}

async function userEmail(tx: Db, userId: string): Promise<string | undefined> {
  const [row] = await tx.select({ email: schema.users.email }).from(schema.users).where(eq(schema.users.id, userId));
  return row?.email;
}

/** A visible dashboard tab reported this instance and has not expired: the user sees it already. */
async function isWatching(tx: Db, userId: string, instanceId: string, now: Date): Promise<boolean> {
  const rows = await tx
    .select({ clientId: presence.clientId })
    .from(presence)
    .where(and(eq(presence.userId, userId), eq(presence.agentInstanceId, instanceId), gt(presence.expiresAt, now)))
    .limit(1);
  return rows.length > 0;
}

const isSessionEnd = (job: JobRow): boolean => job.event === "session_completed" || job.event === "session_failed";

async function planInstance(tx: Db, options: PlanOptions, job: JobRow, group: JobRow[], now: Date): Promise<Plan> {
  const instanceId = job.agentInstanceId ?? "";
  const settings = await loadSettings(tx, job.userId);
  const considered = group.filter((member) => !isSessionEnd(member) || settings.sessionEndEnabled);
  const latest = considered.at(-1) ?? job;
  const base = {
    userId: job.userId,
    jobId: job.id,
    agentInstanceId: instanceId,
    event: latest.event,
    count: considered.length,
  };
  const say = (outcome: LogValues["outcome"], reason: string, channel: NotificationChannel | null = null): Plan => ({
    logs: [{ ...base, outcome, reason, channel }],
    deliveries: [],
  });
  if (considered.length === 0) return say("suppressed", "session endings are turned off in notification settings");
  if (await isWatching(tx, job.userId, instanceId, now)) {
    return say("suppressed", "the user is watching this instance in the dashboard");
  }
  const [instance] = await tx
    .select({
      name: schema.agentInstances.name,
      agentType: schema.agentTypes.name,
      agentTypeId: schema.agentTypes.id,
    })
    .from(schema.agentInstances)
    .innerJoin(schema.agentTypes, eq(schema.agentTypes.id, schema.agentInstances.agentTypeId))
    .where(and(eq(schema.agentInstances.id, instanceId), ne(schema.agentInstances.status, "DELETED")));
  if (!instance) return say("suppressed", "the instance was deleted");
  const content = notificationContent({
    notificationId: job.id,
    event: latest.event,
    agentInstanceId: instanceId,
    agentName: displayAgentName(instance.agentType),
    instanceName: instance.name,
    preview: latest.preview,
    count: considered.length,
    publicUrl: options.publicUrl,
  });
  const plan: Plan = { logs: [], deliveries: [] };
  const agent = {
    ...(await agentDefaults(tx, job.userId, instance.agentTypeId)),
    name: displayAgentName(instance.agentType),
  };
  const push = pushBlocked(settings, considered, agent, now);
  if (push) plan.logs.push({ ...base, outcome: "suppressed", reason: push, channel: null });
  else merge(plan, await pushPlan(tx, options, base, content, now));
  if (settings.emailEnabled) {
    const email = unwanted(considered, "email", agent);
    if (email) plan.logs.push({ ...base, outcome: "suppressed", reason: email, channel: "email" });
    else merge(plan, await emailPlan(tx, options, base, content, now));
  }
  return plan;
}

interface AgentDefaults {
  name: string;
  push: boolean;
  email: boolean;
}

/** The agent type's defaults (both on without a row). */
async function agentDefaults(tx: Db, userId: string, agentTypeId: string): Promise<Omit<AgentDefaults, "name">> {
  const prefs = schema.notificationAgentPreferences;
  const [row] = await tx
    .select()
    .from(prefs)
    .where(and(eq(prefs.userId, userId), eq(prefs.agentTypeId, agentTypeId)));
  return { push: row?.pushEnabled ?? true, email: row?.emailEnabled ?? true };
}

/**
 * Omnara v1's rule for one event: the message's send_push / send_email when given, else the
 * default (the agent type's preference; a step without a flag queued nothing). The global
 * switches are applied by the caller, so a flag never gets past one that is off.
 * https://github.com/omnara-ai/omnara/blob/500a82ad/src/servers/shared/notification_utils.py#L47
 */
function wanted(job: JobRow, channel: "push" | "email", agent: AgentDefaults): boolean {
  const given = flagOf(job, channel);
  if (given !== null) return given;
  return allowOf(job, channel) && agent[channel];
}

const flagOf = (job: JobRow, channel: "push" | "email") => (channel === "push" ? job.pushFlag : job.emailFlag);
const allowOf = (job: JobRow, channel: "push" | "email") => (channel === "push" ? job.allowPush : job.allowEmail);

/** Why no event of the group wants the channel, or undefined when one does. */
function unwanted(considered: JobRow[], channel: "push" | "email", agent: AgentDefaults): string | undefined {
  if (considered.some((member) => wanted(member, channel, agent))) return undefined;
  const byMessage = considered.every(
    (member) => flagOf(member, channel) === false || (flagOf(member, channel) === null && !allowOf(member, channel)),
  );
  if (!byMessage) return `${channel} is off for ${agent.name} in notification settings`;
  return considered.some((member) => flagOf(member, channel) === false)
    ? `the agent's message turned ${channel} off`
    : `a step notifies by ${channel} only when its message asks (send_${channel})`;
}

/** Why push must not go out, or undefined when it may. */
function pushBlocked(settings: Settings, considered: JobRow[], agent: AgentDefaults, now: Date): string | undefined {
  if (!settings.pushEnabled) return "push is turned off in notification settings";
  const unwantedReason = unwanted(considered, "push", agent);
  if (unwantedReason) return unwantedReason;
  const quiet = {
    enabled: settings.quietHoursEnabled,
    start: settings.quietHoursStart,
    end: settings.quietHoursEnd,
    timeZone: settings.timeZone,
  };
  if (isQuietTime(now, quiet)) return `quiet hours (${quiet.start}–${quiet.end} ${quiet.timeZone})`;
  return undefined;
}

/** A test goes to every device, and to email when the user turned email on. */
async function planTest(tx: Db, options: PlanOptions, job: JobRow, now: Date): Promise<Plan> {
  const base = { userId: job.userId, jobId: job.id, agentInstanceId: null, event: job.event, count: 1 };
  const content = notificationContent({
    notificationId: job.id,
    event: "test",
    agentInstanceId: null,
    agentName: "Omnara",
    instanceName: null,
    preview: null,
    count: 1,
    publicUrl: options.publicUrl,
  });
  const plan = await pushPlan(tx, options, base, content, now);
  if (job.allowEmail) merge(plan, await emailPlan(tx, options, base, content, now));
  return plan;
}

type Base = Pick<LogValues, "userId" | "jobId" | "agentInstanceId" | "event" | "count">;

async function pushPlan(tx: Db, options: PlanOptions, base: Base, content: Content, now: Date): Promise<Plan> {
  const rows = await tx.select().from(devices).where(eq(devices.userId, base.userId));
  if (rows.length === 0) {
    return {
      logs: [{ ...base, outcome: "no_devices", reason: "no phone or browser is registered for push", channel: null }],
      deliveries: [],
    };
  }
  const plan: Plan = { logs: [], deliveries: [] };
  for (const device of rows) {
    if (!options.channels.has(device.channel)) {
      plan.logs.push({
        ...base,
        outcome: "failed",
        reason: `${channelLabel[device.channel]} is not configured on this server`,
        channel: device.channel,
        deviceId: device.id,
        deviceName: device.name,
      });
      continue;
    }
    plan.deliveries.push({
      jobId: base.jobId,
      userId: base.userId,
      channel: device.channel,
      deviceId: device.id,
      content,
      nextAttemptAt: now,
    });
  }
  return plan;
}

async function emailPlan(tx: Db, options: PlanOptions, base: Base, content: Content, now: Date): Promise<Plan> {
  const address = await userEmail(tx, base.userId);
  if (!options.channels.has("email") || !address) {
    const reason = address
      ? `${channelLabel.email} is not configured on this server`
      : "the account has no email address";
    return { logs: [{ ...base, outcome: "failed", reason, channel: "email" }], deliveries: [] };
  }
  return {
    logs: [],
    deliveries: [
      { jobId: base.jobId, userId: base.userId, channel: "email", emailAddress: address, content, nextAttemptAt: now },
    ],
  };
}

function merge(into: Plan, from: Plan): void {
  into.logs.push(...from.logs);
  into.deliveries.push(...from.deliveries);
}
