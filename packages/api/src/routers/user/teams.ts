import * as core from "@omnara/core";
import type { UserHandlers } from "../../handlers.ts";

export const userTeamHandlers = {
  createTeam: ({ ctx, input }) => core.createTeam(ctx.deps, ctx.user, input),
  listTeams: ({ ctx }) => core.listTeams(ctx.deps, ctx.user),
  getTeam: ({ ctx }) => core.getTeam(ctx.deps, ctx.team),
  leaveTeam: ({ ctx }) => core.leaveTeam(ctx.deps, ctx.team),
  deleteTeam: ({ ctx }) => core.deleteTeam(ctx.deps, ctx.team),
  inviteTeamMember: ({ ctx, input }) => core.inviteTeamMember(ctx.deps, ctx.team, input),
  cancelTeamInvite: ({ ctx, input }) => core.cancelTeamInvite(ctx.deps, ctx.team, input),
  acceptTeamInvite: ({ ctx }) => core.acceptTeamInvite(ctx.deps, ctx.invite),
  declineTeamInvite: ({ ctx }) => core.declineTeamInvite(ctx.deps, ctx.invite),
  changeTeamRole: ({ ctx, input }) => core.changeTeamRole(ctx.deps, ctx.team, input),
  removeTeamMember: ({ ctx, input }) => core.removeTeamMember(ctx.deps, ctx.team, input),
  listTeamAudit: ({ ctx, input }) => core.listTeamAudit(ctx.deps, ctx.team, input),
  shareInstanceWithTeam: ({ ctx, input }) => core.shareInstanceWithTeam(ctx.deps, ctx.access, ctx.team, input),
  revokeInstanceTeamShare: ({ ctx, input }) => core.revokeInstanceTeamShare(ctx.deps, ctx.access, input),
  shareAgentTypeWithTeam: ({ ctx, input }) => core.shareAgentTypeWithTeam(ctx.deps, ctx.team, input),
  revokeAgentTypeTeamShare: ({ ctx, input }) => core.revokeAgentTypeTeamShare(ctx.deps, ctx.user, input),
  listAgentTypeTeamShares: ({ ctx, input }) => core.listAgentTypeTeamShares(ctx.deps, input),
} satisfies Partial<UserHandlers>;
