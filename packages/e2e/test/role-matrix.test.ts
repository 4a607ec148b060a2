import { randomUUID } from "node:crypto";
import { type InstanceRole, instanceRoles, type Operation, userOperations } from "@omnara/contracts";
import { schema } from "@omnara/db";
import {
  describeEachDatabase,
  FakeStripe,
  newMachine,
  newUserWithKey,
  publicClient,
  startTestServer,
  type TestServer,
  userClient,
} from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { matrixRoles, type RoleName, type RoleSetup } from "./support/matrix-roles.ts";
import { callUserOperation } from "./support/user-calls.ts";

type Member = Awaited<ReturnType<typeof newUserWithKey>>;

/** What a case may use: the instance it targets (fresh per case) and the calling user. */
interface Fixture {
  url: string;
  instanceId: string;
  messageId: string;
  owner: Member;
  caller: Member;
  server: TestServer;
}

/**
 * A valid input for every user operation, so the only reason for a refusal is its access rule.
 * Keyed by the registry: a new operation is a type error here until it has a case.
 */
const cases: { [K in keyof typeof userOperations]: (fx: Fixture) => Promise<Record<string, unknown>> } = {
  listAgentTypes: async () => ({}),
  listInstances: async () => ({}),
  getSummary: async () => ({}),
  getInstance: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  listMessages: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  reply: async ({ instanceId }) => ({ agent_instance_id: instanceId, content: "from the matrix" }),
  markCompleted: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  interruptInstance: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  stopInstance: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  // A reply nobody has read yet: still queued, so it can be cancelled.
  cancelQueuedMessage: async ({ instanceId, owner }) => {
    const queued = await owner.user.reply.mutate({ agent_instance_id: instanceId, content: "queued" });
    return { agent_instance_id: instanceId, message_id: queued.id };
  },
  renameInstance: async ({ instanceId }) => ({ agent_instance_id: instanceId, name: "renamed" }),
  deleteInstance: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  shareInstance: async ({ instanceId }) => ({
    agent_instance_id: instanceId,
    email: `someone-${randomUUID()}@example.com`,
  }),
  listShares: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  revokeShare: async ({ instanceId, owner }) => {
    const email = `revoked-${randomUUID()}@example.com`;
    const share = await owner.user.shareInstance.mutate({ agent_instance_id: instanceId, email });
    return { agent_instance_id: instanceId, share_id: share.id };
  },
  me: async () => ({}),
  signOut: async () => ({}),
  listSessions: async () => ({}),
  revokeSession: async ({ url, caller }) => {
    await publicClient(url).signIn.mutate({ email: caller.email, password: PASSWORD });
    const { sessions } = await caller.user.listSessions.query({});
    return { id: sessions.find((session) => !session.current)?.id };
  },
  signOutEverywhere: async () => ({}),
  changePassword: async () => ({ current_password: PASSWORD, new_password: PASSWORD }),
  createApiKey: async () => ({ name: "matrix key" }),
  listApiKeys: async () => ({}),
  listAudit: async () => ({}),
  revokeApiKey: async ({ caller }) => ({ id: (await caller.user.createApiKey.mutate({ name: "to revoke" })).id }),
  describeCliLogin: async ({ url }) => ({ user_code: (await publicClient(url).startCliLogin.mutate({})).user_code }),
  confirmCliLogin: async ({ url }) => ({ user_code: (await publicClient(url).startCliLogin.mutate({})).user_code }),
  registerNotificationDevice: async () => ({ channel: "apns", token: randomUUID().replaceAll("-", "") }),
  listNotificationDevices: async () => ({}),
  removeNotificationDevice: async ({ caller }) => ({
    id: (
      await caller.user.registerNotificationDevice.mutate({ channel: "apns", token: randomUUID().replaceAll("-", "") })
    ).id,
  }),
  getNotificationSettings: async () => ({}),
  updateNotificationSettings: async () => ({ push_enabled: true }),
  listNotificationLog: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  sendTestNotification: async () => ({}),
  reportPresence: async ({ instanceId }) => ({ agent_instance_id: instanceId, visible: true, client_id: "matrix" }),
  events: async ({ instanceId }) => ({ agent_instance_id: instanceId }),
  getBilling: async () => ({}),
  createCheckoutSession: async () => ({ plan: "pro" }),
  // The portal needs a Stripe customer, which the first checkout creates.
  createPortalSession: async ({ caller }) => {
    await caller.user.createCheckoutSession.mutate({});
    return {};
  },
  getLaunchTarget: async ({ caller }) => ({ agent_type_id: await ownAgentType(caller) }),
  setLaunchTarget: async ({ caller }) => ({
    agent_type_id: await ownAgentType(caller),
    target: { kind: "url", url: deadEnd, body_template: { go: true } },
  }),
  deleteLaunchTarget: async ({ caller }) => ({ agent_type_id: await launchable(caller) }),
  launchAgent: async ({ caller }) => ({ agent_type_id: await launchable(caller) }),
  listWebhooks: async () => ({}),
  createWebhook: async () => ({ url: deadEnd, events: ["user_reply"] }),
  updateWebhook: async ({ caller }) => ({ webhook_id: await ownWebhook(caller), enabled: false }),
  deleteWebhook: async ({ caller }) => ({ webhook_id: await ownWebhook(caller) }),
  sendTestWebhook: async ({ caller }) => ({ webhook_id: await ownWebhook(caller) }),
  listWebhookDeliveries: async () => ({}),
  replayWebhookDelivery: async ({ caller }) => ({
    delivery_id: (await caller.user.sendTestWebhook.mutate({ webhook_id: await ownWebhook(caller) })).id,
  }),
  getWebhookSigningSecret: async () => ({}),
  rotateWebhookSigningSecret: async () => ({}),
  listMachines: async () => ({}),
  startMachineSession: async ({ url, caller }) => {
    const { machineId, projectId } = await newMachine(url, caller.sessionToken);
    return { machine_id: machineId, project_id: projectId, prompt: "from the matrix" };
  },
  // The case's instance becomes a session the owner's machine runs, so only the rule decides.
  stopMachineSession: async ({ url, owner, server, instanceId }) => {
    const { machineId } = await newMachine(url, owner.sessionToken);
    await server.database.db
      .insert(schema.machineSessions)
      .values({ agentInstanceId: instanceId, machineId, agent: "claude", state: "RUNNING" });
    return { agent_instance_id: instanceId };
  },
};

/** Nothing listens there (and nothing leaves the machine): test sends simply fail. */
const deadEnd = "http://127.0.0.1:9/matrix";
/** The caller's own agent type (launch targets are the account's). */
const ownAgentType = async (caller: Member): Promise<string> => {
  await caller.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: "launchable", content: "hi" });
  const types = await caller.user.listAgentTypes.query({});
  const type = types.find((t) => t.name === "launchable");
  if (!type) throw new Error("no agent type");
  return type.id;
};
const launchable = async (caller: Member): Promise<string> => {
  const id = await ownAgentType(caller);
  await caller.user.setLaunchTarget.mutate({
    agent_type_id: id,
    target: { kind: "url", url: deadEnd, body_template: {} },
  });
  return id;
};
const ownWebhook = async (caller: Member): Promise<string> =>
  (await caller.user.createWebhook.mutate({ url: deadEnd, events: ["user_reply"] })).id;

const PASSWORD = "correct horse battery";
/** Operations that sign sessions out. */
const endsSessions = new Set(["signOut", "signOutEverywhere", "changePassword"]);

const rank = (role: InstanceRole): number => instanceRoles.indexOf(role);

/** What the contract's rule says a role gets: ok, or the code of the refusal. */
function expected(op: Operation, held: InstanceRole | undefined): "ok" | "NOT_FOUND" | "FORBIDDEN" {
  const rule = op.access;
  if (!rule) throw new Error(`${op.id} has no access rule`);
  if (rule === "account") return "ok";
  if (!held) return "NOT_FOUND";
  return rank(held) >= rank(rule.instance) ? "ok" : "FORBIDDEN";
}

describeEachDatabase("role matrix: every user procedure × every role, as its contract's rule says", (kind) => {
  let server: TestServer;
  let stripe: FakeStripe;
  let owner: Member;
  const members = new Map<RoleName, Member>();
  // Billing on, so its operations exist; the owner is on Pro, so the cases' instances are no limit.
  beforeAll(async () => {
    stripe = await FakeStripe.start();
    server = await startTestServer(kind, { env: stripe.env() });
    owner = await newUserWithKey(server.url, "owner");
    await server.database.db.insert(schema.billingAccounts).values({ userId: owner.userId, plan: "pro" });
    for (const role of matrixRoles) {
      members.set(
        role.name,
        role.name === "owner" ? owner : await newUserWithKey(server.url, role.name.replace(" ", "-")),
      );
    }
  });
  afterAll(async () => {
    await server.close();
    await stripe.close();
  });

  test("every user operation has an access rule and a case here", () => {
    const ops: readonly Operation[] = Object.values(userOperations);
    expect(ops.filter((op) => !op.access).map((op) => op.id)).toEqual([]);
    expect(Object.keys(cases).sort()).toEqual(Object.keys(userOperations).sort());
  });

  const caseOf = new Map<string, (fx: Fixture) => Promise<Record<string, unknown>>>(Object.entries(cases));
  const entries: [string, Operation][] = Object.entries(userOperations);
  for (const [key, op] of entries) {
    test(`${op.id} (${JSON.stringify(op.access)})`, async () => {
      const outcomes: Record<string, string> = {};
      const wanted: Record<string, string> = {};
      for (const role of matrixRoles) {
        const caller = members.get(role.name);
        if (!caller) throw new Error(`no member for ${role.name}`);
        const instanceId = randomUUID();
        const question = await owner.agent.sendMessage.mutate({
          agent_instance_id: instanceId,
          agent_type: "matrix",
          content: "Proceed?",
          requires_user_input: true,
        });
        const setup: RoleSetup = { url: server.url, owner, member: caller, instanceId };
        await role.grant(setup);
        // These end the session they are called with (or every other one): they get one of their
        // own, and the member signs in again afterwards.
        const ends = endsSessions.has(op.id);
        const token = ends
          ? (await publicClient(server.url).signIn.mutate({ email: caller.email, password: PASSWORD })).token
          : caller.sessionToken;
        const fx: Fixture = { url: server.url, instanceId, messageId: question.message_id, owner, caller, server };
        const input = await (caseOf.get(key) ?? (async () => ({})))(fx);
        outcomes[role.name] = await callUserOperation(server.url, token, op, input);
        wanted[role.name] = expected(op, role.holds);
        if (ends) {
          const session = await publicClient(server.url).signIn.mutate({ email: caller.email, password: PASSWORD });
          const renewed = { ...caller, sessionToken: session.token, user: userClient(server.url, session.token) };
          members.set(role.name, renewed);
          if (role.name === "owner") owner = renewed;
        }
      }
      expect(outcomes).toEqual(wanted);
    });
  }
});
