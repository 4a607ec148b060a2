import { randomUUID } from "node:crypto";
import {
  type InstanceRole,
  instanceRoles,
  type Operation,
  type TeamRole,
  teamRoles,
  userOperations,
} from "@omnara/contracts";
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
import { joinTeam, type MatrixRole, matrixRoles, type RoleName, type RoleSetup } from "./support/matrix-roles.ts";
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
  /** The case's team (see RoleSetup) and its founder, its first owner. */
  teamId: string;
  founder: Member;
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
  createTeam: async () => ({ name: "matrix team" }),
  listTeams: async () => ({}),
  getTeam: async ({ teamId }) => ({ team_id: teamId }),
  leaveTeam: async ({ teamId }) => ({ team_id: teamId }),
  deleteTeam: async ({ teamId }) => ({ team_id: teamId }),
  inviteTeamMember: async ({ teamId }) => ({ team_id: teamId, email: `invited-${randomUUID()}@example.com` }),
  cancelTeamInvite: async ({ teamId, founder }) => {
    const email = `cancelled-${randomUUID()}@example.com`;
    const invite = await founder.user.inviteTeamMember.mutate({ team_id: teamId, email });
    return { team_id: teamId, invite_id: invite.id };
  },
  // The case's invite is addressed to the instance's owner: only the owner may answer it.
  acceptTeamInvite: async (fx) => ({ invite_id: await inviteForOwner(fx) }),
  declineTeamInvite: async (fx) => ({ invite_id: await inviteForOwner(fx) }),
  // The instance's owner is a plain member of the case's team.
  changeTeamRole: async ({ teamId, owner }) => ({ team_id: teamId, user_id: owner.userId, role: "admin" }),
  removeTeamMember: async ({ teamId, owner }) => ({ team_id: teamId, user_id: owner.userId }),
  listTeamAudit: async ({ teamId }) => ({ team_id: teamId }),
  shareInstanceWithTeam: async ({ instanceId, teamId }) => ({ agent_instance_id: instanceId, team_id: teamId }),
  revokeInstanceTeamShare: async ({ instanceId, teamId, owner }) => {
    await owner.user.shareInstanceWithTeam.mutate({ agent_instance_id: instanceId, team_id: teamId });
    return { agent_instance_id: instanceId, team_id: teamId };
  },
  shareAgentTypeWithTeam: async ({ owner, teamId }) => ({
    agent_type_id: await freshAgentType(owner),
    team_id: teamId,
  }),
  revokeAgentTypeTeamShare: async ({ owner, teamId }) => {
    const agentTypeId = await freshAgentType(owner);
    await owner.user.shareAgentTypeWithTeam.mutate({ agent_type_id: agentTypeId, team_id: teamId });
    return { agent_type_id: agentTypeId, team_id: teamId };
  },
  listAgentTypeTeamShares: async ({ owner }) => ({ agent_type_id: await freshAgentType(owner) }),
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
/** An agent type of the owner's own, new to this case (a share of it reaches no other case). */
const freshAgentType = async (owner: Member): Promise<string> => {
  const name = `matrix-${randomUUID()}`;
  await owner.agent.sendMessage.mutate({ agent_instance_id: randomUUID(), agent_type: name, content: "hi" });
  const type = (await owner.user.listAgentTypes.query({})).find((t) => t.name === name);
  if (!type) throw new Error("no agent type");
  return type.id;
};
/** An invite to a new team of the founder's, addressed to the instance's owner. */
const inviteForOwner = async ({ founder, owner }: Fixture): Promise<string> => {
  const team = await founder.user.createTeam.mutate({ name: "invites" });
  return (await founder.user.inviteTeamMember.mutate({ team_id: team.id, email: owner.email })).id;
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
const teamRank = (role: TeamRole): number => teamRoles.indexOf(role);

type Outcome = "ok" | "NOT_FOUND" | "FORBIDDEN";

/**
 * What the contract's rule says a role gets: ok, or the code of the refusal. A team rule is
 * checked first, then the instance's or agent type's (only its owner holds one); an invite rule
 * is met by the invite's recipient, who in the matrix is the instance's owner.
 */
function expected(op: Operation, role: MatrixRole): Outcome {
  const rule = op.access;
  if (!rule) throw new Error(`${op.id} has no access rule`);
  if (rule === "account") return "ok";
  if ("invite" in rule) return role.holds === "owner" ? "ok" : "NOT_FOUND";
  if (rule.team) {
    if (!role.team) return "NOT_FOUND";
    if (teamRank(role.team) < teamRank(rule.team)) return "FORBIDDEN";
  }
  if ("agentType" in rule && rule.agentType && role.holds !== "owner") return "NOT_FOUND";
  if ("instance" in rule && rule.instance) {
    if (!role.holds) return "NOT_FOUND";
    return rank(role.holds) >= rank(rule.instance) ? "ok" : "FORBIDDEN";
  }
  return "ok";
}

describeEachDatabase("role matrix: every user procedure × every role, as its contract's rule says", (kind) => {
  let server: TestServer;
  let stripe: FakeStripe;
  let owner: Member;
  let founder: Member;
  const members = new Map<RoleName, Member>();
  // Billing on, so its operations exist; the owner is on Pro, so the cases' instances are no limit.
  beforeAll(async () => {
    stripe = await FakeStripe.start();
    server = await startTestServer(kind, { env: stripe.env() });
    owner = await newUserWithKey(server.url, "owner");
    founder = await newUserWithKey(server.url, "founder");
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
        const team = await founder.user.createTeam.mutate({ name: `matrix ${op.id}` });
        await joinTeam(founder, team.id, owner, "member");
        const setup: RoleSetup = { url: server.url, owner, member: caller, instanceId, teamId: team.id, founder };
        await role.grant(setup);
        // These end the session they are called with (or every other one): they get one of their
        // own, and the member signs in again afterwards.
        const ends = endsSessions.has(op.id);
        const token = ends
          ? (await publicClient(server.url).signIn.mutate({ email: caller.email, password: PASSWORD })).token
          : caller.sessionToken;
        const fx: Fixture = {
          url: server.url,
          instanceId,
          messageId: question.message_id,
          owner,
          caller,
          server,
          teamId: team.id,
          founder,
        };
        const input = await (caseOf.get(key) ?? (async () => ({})))(fx);
        outcomes[role.name] = await callUserOperation(server.url, token, op, input);
        wanted[role.name] = expected(op, role);
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
