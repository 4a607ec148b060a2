import { randomUUID } from "node:crypto";
import { describeEachDatabase, newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { openUserStream } from "./support/user-stream.ts";

type User = Awaited<ReturnType<typeof newUserWithKey>>;

/**
 * Team changes reach the screens of everyone they concern, live: the invitee's and the members'
 * streams say "teams" on an invite, its cancellation, a join, a decline, a role change, a removal,
 * a leave and the team's deletion, and nobody else's stream hears of it.
 */
describeEachDatabase("issue 17: team changes on the live stream", (kind) => {
  let server: TestServer;
  beforeAll(async () => {
    server = await startTestServer(kind);
  });
  afterAll(() => server.close());

  /** Opens a stream for each user; `teams()` counts the "teams" events each has had. */
  async function watch(users: readonly User[]) {
    const streams = await Promise.all(users.map((user) => openUserStream(server.url, user.sessionToken)));
    await Promise.all(streams.map((stream) => stream.until("connected", (event) => event.type === "connected")));
    return {
      teams: () => streams.map((stream) => stream.events.filter((event) => event.type === "teams").length),
      /** Waits until each stream has had at least `counts[i]` "teams" events. */
      until: (counts: readonly number[]) =>
        Promise.all(
          streams.map((stream, i) => {
            if ((counts[i] ?? 0) === 0) return undefined;
            let seen = 0;
            return stream.until(
              `${counts[i]} teams events`,
              (event) => event.type === "teams" && ++seen >= (counts[i] ?? 0),
            );
          }),
        ),
      close: () => Promise.all(streams.map((stream) => stream.close())),
    };
  }

  test("invite, cancel, invite, decline, invite, join, role change, removal, leave, deletion", async () => {
    const owner = await newUserWithKey(server.url, "live-team-owner");
    const invitee = await newUserWithKey(server.url, "live-team-invitee");
    const other = await newUserWithKey(server.url, "live-team-other");
    const stranger = await newUserWithKey(server.url, "live-team-stranger");
    const streams = await watch([owner, invitee, other, stranger]);
    try {
      const team = await owner.user.createTeam.mutate({ name: `Live ${randomUUID().slice(0, 6)}` });
      await streams.until([1, 0, 0, 0]);

      // An invite shows at once on the invitee's screens and the team's; cancelling takes it away.
      const first = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: invitee.email });
      await streams.until([2, 1, 0, 0]);
      expect((await invitee.user.listTeams.query({})).invites.map((invite) => invite.id)).toEqual([first.id]);
      await owner.user.cancelTeamInvite.mutate({ team_id: team.id, invite_id: first.id });
      await streams.until([3, 2, 0, 0]);

      const second = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: invitee.email });
      await streams.until([4, 3, 0, 0]);
      await invitee.user.declineTeamInvite.mutate({ invite_id: second.id });
      await streams.until([5, 4, 0, 0]);

      const third = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: invitee.email });
      await streams.until([6, 5, 0, 0]);
      await invitee.user.acceptTeamInvite.mutate({ invite_id: third.id });
      await streams.until([7, 6, 0, 0]);
      const otherInvite = await owner.user.inviteTeamMember.mutate({ team_id: team.id, email: other.email });
      await streams.until([8, 7, 1, 0]);
      await other.user.acceptTeamInvite.mutate({ invite_id: otherInvite.id });
      await streams.until([9, 8, 2, 0]);

      // A role change, a removal and a leave reach every member, and the one who left or was removed.
      await owner.user.changeTeamRole.mutate({ team_id: team.id, user_id: invitee.userId, role: "admin" });
      await streams.until([10, 9, 3, 0]);
      await owner.user.removeTeamMember.mutate({ team_id: team.id, user_id: other.userId });
      await streams.until([11, 10, 4, 0]);
      await invitee.user.leaveTeam.mutate({ team_id: team.id });
      await streams.until([12, 11, 4, 0]);
      await owner.user.deleteTeam.mutate({ team_id: team.id });
      await streams.until([13, 11, 4, 0]);

      // Settled: exactly these, and the stranger heard nothing.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(streams.teams()).toEqual([13, 11, 4, 0]);
    } finally {
      await streams.close();
    }
  });

  test("an instance's own stream does not carry team events", async () => {
    const owner = await newUserWithKey(server.url, "live-team-instance");
    const id = randomUUID();
    await owner.agent.sendMessage.mutate({ agent_instance_id: id, agent_type: "Claude Code", content: "hi" });
    const stream = await openUserStream(server.url, owner.sessionToken, { agent_instance_id: id });
    const whole = await openUserStream(server.url, owner.sessionToken);
    try {
      await stream.until("connected", (event) => event.type === "connected");
      await whole.until("connected", (event) => event.type === "connected");
      await owner.user.createTeam.mutate({ name: `Quiet ${randomUUID().slice(0, 6)}` });
      await whole.until("teams", (event) => event.type === "teams");
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(stream.events.filter((event) => event.type === "teams")).toEqual([]);
    } finally {
      await stream.close();
      await whole.close();
    }
  });
});
