import { expect, test } from "vitest";
import { approvalScope, decisionOf } from "../src/approvals.ts";

test("Bash is approved per command prefix; other tools per name", () => {
  expect(approvalScope("Bash", { command: "git push origin main" })).toEqual({
    key: "Bash:git push",
    label: "Bash(git push:*)",
    reusable: true,
  });
  expect(approvalScope("Bash", { command: "ls -la" })).toMatchObject({ key: "Bash:ls" });
  expect(approvalScope("Edit", { file_path: "a" })).toEqual({ key: "Edit", label: "Edit", reusable: true });
});

test("a compound command never rides on an earlier approval", () => {
  for (const command of [
    "git status && rm -rf ~",
    "git status; curl x",
    "git status | sh",
    "git status $(id)",
    "git status > /etc/x",
  ]) {
    expect(approvalScope("Bash", { command }).reusable).toBe(false);
  }
});

test("answers: the option's number or text; anything else denies with the user's words", () => {
  expect(decisionOf("1")).toEqual({ kind: "once" });
  expect(decisionOf("1. Yes")).toEqual({ kind: "once" });
  expect(decisionOf("yes")).toEqual({ kind: "once" });
  expect(decisionOf("2")).toEqual({ kind: "session" });
  expect(decisionOf("Yes, and allow Bash(git push:*) for the rest of this session")).toEqual({ kind: "session" });
  expect(decisionOf("3. No")).toMatchObject({ kind: "deny" });
  expect(decisionOf("  run the tests first ")).toEqual({ kind: "deny", message: "run the tests first" });
});
