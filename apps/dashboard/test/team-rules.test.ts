import { describe, expect, test } from "vitest";
import { assignableRoles, canDeleteTeam, canManage, canRemove, invitableRoles } from "../src/teams/team-rules.ts";

describe("the team controls each role is offered", () => {
  test("owners manage everyone: any role, any removal, the team itself", () => {
    expect(invitableRoles("owner")).toEqual(["owner", "admin", "member"]);
    for (const target of ["owner", "admin", "member"] as const) {
      expect(assignableRoles("owner", target)).toEqual(["owner", "admin", "member"]);
      expect(canRemove("owner", target)).toBe(true);
    }
    expect(canManage("owner")).toBe(true);
    expect(canDeleteTeam("owner")).toBe(true);
  });

  test("admins act on members only and never make owners", () => {
    expect(invitableRoles("admin")).toEqual(["member"]);
    expect(assignableRoles("admin", "member")).toEqual(["admin", "member"]);
    expect(assignableRoles("admin", "admin")).toEqual([]);
    expect(assignableRoles("admin", "owner")).toEqual([]);
    expect([canRemove("admin", "member"), canRemove("admin", "admin"), canRemove("admin", "owner")]).toEqual([
      true,
      false,
      false,
    ]);
    expect(canManage("admin")).toBe(true);
    expect(canDeleteTeam("admin")).toBe(false);
  });

  test("members are offered no admin control", () => {
    expect(invitableRoles("member")).toEqual([]);
    for (const target of ["owner", "admin", "member"] as const) {
      expect(assignableRoles("member", target)).toEqual([]);
      expect(canRemove("member", target)).toBe(false);
    }
    expect(canManage("member")).toBe(false);
    expect(canDeleteTeam("member")).toBe(false);
  });
});
