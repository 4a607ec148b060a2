import { randomUUID } from "node:crypto";
import type { UserEvent } from "@omnara/contracts";
import { schema } from "@omnara/db";
import {
  describeEachDatabase,
  eventually,
  FakeSupabase,
  newUserWithKey,
  publicClient,
  rest,
  startTestServer,
  type TestServer,
  userClient,
} from "@omnara/testing";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, expect, test } from "vitest";
import { joinTeam } from "./support/matrix-roles.ts";
import { openUserStream } from "./support/user-stream.ts";

type Member = Awaited<ReturnType<typeof newUserWithKey>>;

const PASSWORD = "correct horse battery";
const ROUNDS = 100;
const PHONE = "Mozilla/5.0 (iPhone) teams test";

describeEachDatabase("teams", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  const refused = (code: string, httpStatus: number) => ({ data: { code, httpStatus } });

  /** A team of a fresh owner, with the given others joined with their roles. */
  async function teamWith(...roles: ("owner" | "admin" | "member")[]) {
    const owner = await newUserWithKey(server.url, "team-owner");
    const team = await owner.user.createTeam.mutate({ name: `Team ${randomUUID().slice(0, 8)}` });
    const others: Member[] = [];
    for (const role of roles) {
      const member = await newUserWithKey(server.url, role);
      await joinTeam(owner, team.id, member, role);
      others.push(member);
    }
    return { owner, teamId: team.id, name: team.name, others };
  }

  const question = async (owner: Member, agentType = "claude code") => {
    const id = randomUUID();
    const asked = await owner.agent.sendMessage.mutate({
      agent_instance_id: id,
      agent_type: agentType,
      content: "Deploy to production?",
      requires_user_input: true,
    });
    return { id, questionId: asked.message_id };
  };

  test("a member sees a team-shared instance live, marked with the team; WRITE replies, READ is refused; notified too", async () => {
    const { owner, teamId, name, others } = await teamWith("member", "member");
    const [writer, reader] = others as [Member, Member];
    const { id, questionId } = await question(owner);
    const stream = await openUserStream(server.url, writer.sessionToken);
    try {
      await stream.until("connected", (e) => e.type === "connected");
      await owner.user.shareInstanceWithTeam.mutate({ agent_instance_id: id, team_id: teamId, access: "WRITE" });
      const granted = await stream.until("access granted", (e) => e.type === "access" && e.instance !== null);
      expect(granted).toMatchObject({
        agent_instance_id: id,
        instance: { id, shared: { role: "WRITE", owner_email: owner.email, team_name: name } },
      });
      const wait = owner.agent.waitForReply.query({
        agent_instance_id: id,
        after_message_id: questionId,
        timeout_seconds: 20,
      });
      const answer = await writer.user.reply.mutate({
        agent_instance_id: id,
        content: "Ship it",
        question_id: questionId,
      });
      expect(answer.sender_user_id).toBe(writer.userId);
      expect((await wait).status).toBe("replied");
      const step = await owner.agent.sendMessage.mutate({ agent_instance_id: id, content: "Deploying now" });
      await stream.until(
        "the shared instance's message",
        (e): e is Extract<UserEvent, { type: "message" }> => e.type === "message" && e.message.id === step.message_id,
      );
    } finally {
      await stream.close();
    }
    const listed = await writer.user.listInstances.query({});
    expect(listed.instances.map((i) => [i.id, i.shared?.team_name])).toEqual([[id, name]]);

    // The team's access is the team's: a READ team share of another instance refuses replies.
    const other = await question(owner);
    const readers = await owner.user.createTeam.mutate({ name: "Readers" });
    await joinTeam(owner, readers.id, reader, "member");
    await owner.user.shareInstanceWithTeam.mutate({ agent_instance_id: other.id, team_id: readers.id });
    await expect(reader.user.reply.mutate({ agent_instance_id: other.id, content: "yes" })).rejects.toMatchObject(
      refused("FORBIDDEN", 403),
    );
    // Only the owner renames, deletes or shares.
    await expect(writer.user.renameInstance.mutate({ agent_instance_id: id, name: "mine" })).rejects.toMatchObject(
      refused("FORBIDDEN", 403),
    );

    // A question now notifies the members as it does the owner.
    await owner.agent.sendMessage.mutate({
      agent_instance_id: id,
      content: "Which region?",
      requires_user_input: true,
    });
    const events = await eventually("the member's notification", async () => {
      const log = await writer.user.listNotificationLog.query({ agent_instance_id: id });
      return log.entries.length > 0 && log.entries.map((entry) => entry.event);
    });
    expect(events).toContain("question");
    const shares = await owner.user.listShares.query({ agent_instance_id: id });
    expect(shares.team_shares.map((s) => [s.team_id, s.access, s.owner_email])).toEqual([
      [teamId, "WRITE", owner.email],
    ]);
    // A member sees on the team who shared each instance (only that owner may stop sharing it).
    const seen = await writer.user.getTeam.query({ team_id: teamId });
    expect(seen.instance_shares.map((s) => [s.agent_instance_id, s.owner_email])).toEqual([[id, owner.email]]);
    // A deleted instance is nobody's to open: it leaves the team's list of shares too.
    await owner.user.deleteInstance.mutate({ agent_instance_id: id });
    expect((await writer.user.getTeam.query({ team_id: teamId })).instance_shares).toEqual([]);
  });

  test("an agent type shared with a team brings its present and future instances to members, live", async () => {
    const { owner, teamId, others } = await teamWith("member");
    const [member] = others as [Member];
    const type = `codex-${randomUUID().slice(0, 6)}`;
    const present = await question(owner, type);
    const types = await owner.user.listAgentTypes.query({});
    const typeId = types.find((t) => t.name === type)?.id ?? "";
    await owner.user.shareAgentTypeWithTeam.mutate({ agent_type_id: typeId, team_id: teamId, access: "READ" });
    expect((await member.user.listInstances.query({})).instances.map((i) => i.id)).toEqual([present.id]);

    const stream = await openUserStream(server.url, member.sessionToken);
    try {
      await stream.until("connected", (e) => e.type === "connected");
      const future = await question(owner, type);
      await stream.until(
        "the new instance",
        (e) => e.type === "access" && e.agent_instance_id === future.id && e.instance !== null,
      );
      // Its later changes reach the member's stream too.
      const step = await owner.agent.sendMessage.mutate({ agent_instance_id: future.id, content: "still going" });
      await stream.until("its message", (e) => e.type === "message" && e.message.id === step.message_id);
      const listed = await member.user.listInstances.query({});
      expect(listed.instances.map((i) => i.id).sort()).toEqual([present.id, future.id].sort());
      expect((await member.user.getInstance.query({ agent_instance_id: future.id })).shared?.role).toBe("READ");
      // Another type of the owner's stays the owner's.
      const unshared = await question(owner, "private");
      await expect(member.user.getInstance.query({ agent_instance_id: unshared.id })).rejects.toMatchObject(
        refused("NOT_FOUND", 404),
      );
      expect((await owner.user.listAgentTypeTeamShares.query({ agent_type_id: typeId })).shares).toHaveLength(1);
      await owner.user.revokeAgentTypeTeamShare.mutate({ agent_type_id: typeId, team_id: teamId });
      await expect(member.user.getInstance.query({ agent_instance_id: future.id })).rejects.toMatchObject(
        refused("NOT_FOUND", 404),
      );
    } finally {
      await stream.close();
    }
  });

  test("removal cuts access on the next call and ends the removed member's open stream of the instance", async () => {
    const loggedBefore = server.loggedErrors.length;
    const { owner, teamId, others } = await teamWith("admin", "member");
    const [admin, member] = others as [Member, Member];
    const { id } = await question(owner);
    await owner.user.shareInstanceWithTeam.mutate({ agent_instance_id: id, team_id: teamId, access: "WRITE" });
    expect((await member.user.getInstance.query({ agent_instance_id: id })).shared?.role).toBe("WRITE");
    const watching = await openUserStream(server.url, member.sessionToken, { agent_instance_id: id });
    const stream = await openUserStream(server.url, member.sessionToken);
    try {
      await watching.until("connected", (e) => e.type === "connected");
      await stream.until("connected", (e) => e.type === "connected");
      await admin.user.removeTeamMember.mutate({ team_id: teamId, user_id: member.userId });
      await expect(member.user.getInstance.query({ agent_instance_id: id })).rejects.toMatchObject(
        refused("NOT_FOUND", 404),
      );
      await expect(member.user.reply.mutate({ agent_instance_id: id, content: "still here?" })).rejects.toMatchObject(
        refused("NOT_FOUND", 404),
      );
      await expect(member.user.getTeam.query({ team_id: teamId })).rejects.toMatchObject(refused("NOT_FOUND", 404));
      await stream.until(
        "access lost",
        (e) => e.type === "access" && e.agent_instance_id === id && e.instance === null,
      );
      await watching.ended(5_000);
      // Ending a stream the caller lost is the rule working, not a server fault to log.
      expect(server.loggedErrors.slice(loggedBefore).map(String)).toEqual([]);
      expect((await member.user.listInstances.query({})).instances).toEqual([]);
      // The admin still sees it; revoking the team share takes it from the admin too.
      expect((await admin.user.getInstance.query({ agent_instance_id: id })).id).toBe(id);
      await owner.user.revokeInstanceTeamShare.mutate({ agent_instance_id: id, team_id: teamId });
      await expect(admin.user.getInstance.query({ agent_instance_id: id })).rejects.toMatchObject(
        refused("NOT_FOUND", 404),
      );
    } finally {
      await watching.close();
      await stream.close();
    }
  });

  test("roles: admins act on members only, only owners make owners and admins, the last owner stays", async () => {
    const { owner, teamId, others } = await teamWith("admin", "admin", "member");
    const [admin, otherAdmin, member] = others as [Member, Member, Member];
    // Admins act on members, not on admins or owners.
    await expect(
      admin.user.changeTeamRole.mutate({ team_id: teamId, user_id: otherAdmin.userId, role: "member" }),
    ).rejects.toMatchObject(refused("FORBIDDEN", 403));
    await expect(admin.user.removeTeamMember.mutate({ team_id: teamId, user_id: owner.userId })).rejects.toMatchObject(
      refused("FORBIDDEN", 403),
    );
    await expect(
      admin.user.changeTeamRole.mutate({ team_id: teamId, user_id: member.userId, role: "owner" }),
    ).rejects.toMatchObject(refused("FORBIDDEN", 403));
    await expect(
      admin.user.inviteTeamMember.mutate({ team_id: teamId, email: "boss@example.com", role: "owner" }),
    ).rejects.toMatchObject(refused("FORBIDDEN", 403));
    // A member manages nobody.
    await expect(
      member.user.inviteTeamMember.mutate({ team_id: teamId, email: "x@example.com" }),
    ).rejects.toMatchObject(refused("FORBIDDEN", 403));
    await expect(member.user.listTeamAudit.query({ team_id: teamId })).rejects.toMatchObject(refused("FORBIDDEN", 403));
    // An admin may make a member an admin; an owner changes anyone.
    expect(
      (await admin.user.changeTeamRole.mutate({ team_id: teamId, user_id: member.userId, role: "admin" })).role,
    ).toBe("admin");
    expect(
      (await owner.user.changeTeamRole.mutate({ team_id: teamId, user_id: otherAdmin.userId, role: "member" })).role,
    ).toBe("member");
    // The last owner cannot leave, be demoted or removed.
    await expect(owner.user.leaveTeam.mutate({ team_id: teamId })).rejects.toMatchObject(refused("CONFLICT", 409));
    await expect(
      owner.user.changeTeamRole.mutate({ team_id: teamId, user_id: owner.userId, role: "admin" }),
    ).rejects.toMatchObject(refused("CONFLICT", 409));
    await expect(owner.user.removeTeamMember.mutate({ team_id: teamId, user_id: owner.userId })).rejects.toMatchObject(
      refused("CONFLICT", 409),
    );
    // With a second owner the first may leave.
    await owner.user.changeTeamRole.mutate({ team_id: teamId, user_id: admin.userId, role: "owner" });
    await owner.user.leaveTeam.mutate({ team_id: teamId });
    const detail = await admin.user.getTeam.query({ team_id: teamId });
    expect(detail.members.map((m) => [m.email, m.role])).toEqual([
      [admin.email, "owner"],
      ...[
        [member.email, "admin"],
        [otherAdmin.email, "member"],
      ],
    ]);
    // Only an owner deletes; then it is gone for everyone.
    await expect(member.user.deleteTeam.mutate({ team_id: teamId })).rejects.toMatchObject(refused("FORBIDDEN", 403));
    await admin.user.deleteTeam.mutate({ team_id: teamId });
    await expect(member.user.getTeam.query({ team_id: teamId })).rejects.toMatchObject(refused("NOT_FOUND", 404));
    expect((await member.user.listTeams.query({})).teams).toEqual([]);
  });

  test("bad input is a coded refusal that changes nothing; a stranger learns nothing of a team", async () => {
    const { owner, teamId } = await teamWith();
    const stranger = await newUserWithKey(server.url, "stranger");
    const bad = await rest(server.url, "POST", `/api/v1/teams/${teamId}/invites`, {
      token: owner.sessionToken,
      body: { email: "not an email" },
    });
    expect([bad.status, bad.body.error?.code]).toEqual([400, "BAD_REQUEST"]);
    const empty = await rest(server.url, "POST", "/api/v1/teams", { token: owner.sessionToken, body: { name: "  " } });
    expect(empty.status).toBe(400);
    const forStranger = await rest(server.url, "GET", `/api/v1/teams/${teamId}`, { token: stranger.sessionToken });
    expect([forStranger.status, forStranger.body.error?.code]).toEqual([404, "NOT_FOUND"]);
    const missing = await rest(server.url, "GET", `/api/v1/teams/${randomUUID()}`, { token: stranger.sessionToken });
    expect([missing.status, missing.body.error?.code]).toEqual([404, "NOT_FOUND"]);
    const invite = await owner.user.inviteTeamMember.mutate({ team_id: teamId, email: stranger.email });
    await expect(
      owner.user.inviteTeamMember.mutate({ team_id: teamId, email: stranger.email.toUpperCase() }),
    ).rejects.toMatchObject(refused("CONFLICT", 409));
    // Someone else's invite is a 404 to them, whoever they are.
    const other = await newUserWithKey(server.url, "other");
    await expect(other.user.acceptTeamInvite.mutate({ invite_id: invite.id })).rejects.toMatchObject(
      refused("NOT_FOUND", 404),
    );
    expect((await stranger.user.listTeams.query({})).invites.map((i) => i.id)).toEqual([invite.id]);
    await stranger.user.declineTeamInvite.mutate({ invite_id: invite.id });
    await expect(stranger.user.acceptTeamInvite.mutate({ invite_id: invite.id })).rejects.toMatchObject(
      refused("NOT_FOUND", 404),
    );
    expect((await owner.user.getTeam.query({ team_id: teamId })).members).toHaveLength(1);
  });

  test("an invite to an email without an account waits, and is the new account's at sign-up", async () => {
    const { owner, teamId, name } = await teamWith();
    const email = `later-${randomUUID()}@example.com`;
    const invite = await owner.user.inviteTeamMember.mutate({ team_id: teamId, email, role: "admin" });
    expect(invite.pending_account).toBe(true);
    const session = await publicClient(server.url).signUp.mutate({ email, password: PASSWORD });
    const newcomer = userClient(server.url, session.token);
    const { invites } = await newcomer.listTeams.query({});
    expect(invites.map((i) => [i.id, i.team_name, i.role, i.invited_by_email])).toEqual([
      [invite.id, name, "admin", owner.email],
    ]);
    const [row] = await server.database.db
      .select()
      .from(schema.teamInvites)
      .where(eq(schema.teamInvites.id, invite.id));
    expect(row?.userId).toBe(session.user.id);
    expect((await newcomer.acceptTeamInvite.mutate({ invite_id: invite.id })).role).toBe("admin");
    expect((await newcomer.listTeams.query({})).teams.map((t) => [t.id, t.role, t.member_count])).toEqual([
      [teamId, "admin", 2],
    ]);
  });

  test("the team's audit: each decision with actor, device and address, for admins", async () => {
    const { owner, teamId, others } = await teamWith("member");
    const [member] = others as [Member];
    const { id } = await question(owner);
    // The owner decides from a phone, over REST.
    const phone = async (method: "PUT" | "PATCH" | "DELETE", path: string, body?: Record<string, unknown>) =>
      (
        await fetch(`${server.url}${path}`, {
          method,
          headers: {
            authorization: `Bearer ${owner.sessionToken}`,
            "user-agent": PHONE,
            ...(body ? { "content-type": "application/json" } : {}),
          },
          body: body ? JSON.stringify(body) : undefined,
        })
      ).status;
    expect(await phone("PUT", `/api/v1/agent-instances/${id}/team-shares/${teamId}`, { access: "WRITE" })).toBe(200);
    expect(await phone("PATCH", `/api/v1/teams/${teamId}/members/${member.userId}`, { role: "admin" })).toBe(200);
    expect(await phone("DELETE", `/api/v1/agent-instances/${id}/team-shares/${teamId}`)).toBe(200);
    expect(await phone("DELETE", `/api/v1/teams/${teamId}/members/${member.userId}`)).toBe(200);
    const audit = await owner.user.listTeamAudit.query({ team_id: teamId });
    expect(audit.entries.map((e) => e.action).reverse()).toEqual([
      "team.create",
      "team.invite",
      "team.join",
      "team.share",
      "team.role_change",
      "team.unshare",
      "team.remove",
    ]);
    const removal = audit.entries[0];
    expect(removal).toMatchObject({
      actor_id: owner.userId,
      actor_email: owner.email,
      user_agent: PHONE,
      detail: { user_id: member.userId, role: "admin" },
    });
    expect(removal?.client_address).toMatch(/127\.0\.0\.1/);
    expect(audit.entries.find((e) => e.action === "team.join")?.actor_id).toBe(member.userId);

    // The rest of a team's decisions: a cancelled and a declined invite, a leave, the deletion.
    const cancelled = await owner.user.inviteTeamMember.mutate({
      team_id: teamId,
      email: `c-${randomUUID()}@example.com`,
    });
    await owner.user.cancelTeamInvite.mutate({ team_id: teamId, invite_id: cancelled.id });
    const declined = await owner.user.inviteTeamMember.mutate({ team_id: teamId, email: member.email });
    await member.user.declineTeamInvite.mutate({ invite_id: declined.id });
    await joinTeam(owner, teamId, member, "member");
    await member.user.leaveTeam.mutate({ team_id: teamId });
    const later = await owner.user.listTeamAudit.query({ team_id: teamId, limit: 7 });
    expect(later.entries.map((e) => e.action).reverse()).toEqual([
      "team.invite",
      "team.invite_cancel",
      "team.invite",
      "team.decline",
      "team.invite",
      "team.join",
      "team.leave",
    ]);
    expect(later.next_cursor).not.toBeNull();
    await owner.user.deleteTeam.mutate({ team_id: teamId });
    const own = await owner.user.listAudit.query({});
    expect(own.entries[0]).toMatchObject({ action: "team.delete", target_type: "team", target_id: teamId });
    // A member's own decisions are in the member's audit.
    expect((await member.user.listAudit.query({})).entries.map((e) => e.action).slice(0, 3)).toEqual([
      "team.leave",
      "team.join",
      "team.decline",
    ]);
  });

  test(
    `two owners demoting or removing each other at once leave the team an owner (${ROUNDS} rounds)`,
    { timeout: 300_000 },
    async () => {
      const owner = await newUserWithKey(server.url, "first-owner");
      const second = await newUserWithKey(server.url, "second-owner");
      const outcomes = new Map<string, number>();
      for (let round = 0; round < ROUNDS; round++) {
        const team = await owner.user.createTeam.mutate({ name: `race ${round}` });
        await joinTeam(owner, team.id, second, "owner");
        const demote = round % 2 === 0;
        const act = (actor: Member, target: Member) =>
          (demote
            ? actor.user.changeTeamRole.mutate({ team_id: team.id, user_id: target.userId, role: "member" })
            : actor.user.removeTeamMember.mutate({ team_id: team.id, user_id: target.userId })
          ).then(
            () => "ok",
            (error: { data?: { code?: string } }) => error.data?.code ?? "unknown",
          );
        const results = await Promise.all([act(owner, second), act(second, owner)]);
        const key = results.sort().join("+");
        outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
        const owners = await server.database.db
          .select()
          .from(schema.teamMembers)
          .where(and(eq(schema.teamMembers.teamId, team.id), eq(schema.teamMembers.role, "owner")));
        expect(owners.length, `round ${round}: ${results.join(", ")}`).toBeGreaterThanOrEqual(1);
      }
      // One of the two wins each round; the other is refused (its actor is no longer an owner, or is the last one).
      expect([...outcomes.keys()].every((key) => key.includes("ok") && !key.includes("unknown"))).toBe(true);
    },
  );

  test(`concurrent accepts of one invite make one membership (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
    const owner = await newUserWithKey(server.url, "inviter");
    const team = await owner.user.createTeam.mutate({ name: "accept race" });
    for (let round = 0; round < ROUNDS; round++) {
      const invitee = await newUserWithKey(server.url, `invitee${round}`);
      const invite = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: invitee.email });
      const results = await Promise.allSettled(
        Array.from({ length: 4 }, () => invitee.user.acceptTeamInvite.mutate({ invite_id: invite.id })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const rows = await server.database.db
        .select()
        .from(schema.teamMembers)
        .where(and(eq(schema.teamMembers.teamId, team.id), eq(schema.teamMembers.userId, invitee.userId)));
      expect(rows).toHaveLength(1);
    }
    expect((await owner.user.getTeam.query({ team_id: team.id })).members).toHaveLength(ROUNDS + 1);
  });

  test(`concurrent invites of one email make one pending invite (${ROUNDS} rounds)`, { timeout: 300_000 }, async () => {
    const { owner, teamId, others } = await teamWith("admin");
    const [admin] = others as [Member];
    for (let round = 0; round < ROUNDS; round++) {
      const email = `wanted-${round}-${randomUUID()}@example.com`;
      const results = await Promise.allSettled([
        owner.user.inviteTeamMember.mutate({ team_id: teamId, email }),
        admin.user.inviteTeamMember.mutate({ team_id: teamId, email }),
        owner.user.inviteTeamMember.mutate({ team_id: teamId, email: email.toUpperCase() }),
      ]);
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
      const pending = await server.database.db
        .select()
        .from(schema.teamInvites)
        .where(and(eq(schema.teamInvites.email, email), eq(schema.teamInvites.state, "pending")));
      expect(pending).toHaveLength(1);
    }
  });
});

describeEachDatabase("teams with Supabase sign-in", (kind) => {
  let supabase: FakeSupabase;
  let server: TestServer;
  beforeAll(async () => {
    supabase = await FakeSupabase.start();
    server = await startTestServer(kind, {
      env: {
        SUPABASE_URL: supabase.url,
        SUPABASE_ANON_KEY: supabase.anonKey,
        SUPABASE_JWT_SECRET: "the teams test project secret",
      },
    });
  });
  afterAll(async () => {
    await server.close();
    await supabase.close();
  });

  /** A Supabase user's dashboard client; its first call creates our user row. */
  const signedIn = async (email: string) => userClient(server.url, await supabase.accessToken(supabase.addUser(email)));

  test("an invite to an email Supabase has not shown us yet is the user's at first sight", async () => {
    const owner = await signedIn(`sb-owner-${randomUUID()}@example.com`);
    const team = await owner.createTeam.mutate({ name: "Supabase team" });
    const email = `sb-later-${randomUUID()}@example.com`;
    const invite = await owner.inviteTeamMember.mutate({ team_id: team.id, email });
    expect(invite.pending_account).toBe(true);
    const newcomer = await signedIn(email);
    const me = await newcomer.me.query({});
    const [row] = await server.database.db
      .select()
      .from(schema.teamInvites)
      .where(eq(schema.teamInvites.id, invite.id));
    expect(row?.userId).toBe(me.id);
    expect((await newcomer.listTeams.query({})).invites.map((i) => i.id)).toEqual([invite.id]);
    await newcomer.acceptTeamInvite.mutate({ invite_id: invite.id });
    expect((await owner.getTeam.query({ team_id: team.id })).members.map((m) => m.email).sort()).toEqual(
      [email, (await owner.me.query({})).email].sort(),
    );
  });
});
