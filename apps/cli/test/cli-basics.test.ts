import { describe, expect, test } from "vitest";
import { runCli } from "./cli-process.ts";
import { isolatedEnv } from "./test-env.ts";

describe("omnara CLI basics", () => {
  test("--help lists every command and the three-line Claude Code path", async () => {
    const { code, stdout } = await runCli(["--help"], isolatedEnv().env);
    expect(code).toBe(0);
    for (const command of ["serve", "login", "logout", "whoami", "mcp", "claude"]) expect(stdout).toContain(command);
    expect(stdout).toContain("npx omnara claude");
  });

  test("--version prints the package version", async () => {
    const { code, stdout } = await runCli(["--version"], isolatedEnv().env);
    expect(code).toBe(0);
    expect(stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
  });

  test("an unreachable server is a clear error, as JSON with --json", async () => {
    const { code, stdout } = await runCli(
      ["--base-url", "http://127.0.0.1:9", "--api-key", "k", "whoami", "--json"],
      isolatedEnv().env,
    );
    expect(code).toBe(1);
    expect(JSON.parse(stdout)).toMatchObject({ error: { code: "SERVER_UNREACHABLE" } });
  });

  test("without a key, commands say how to sign in", async () => {
    const { code, stderr } = await runCli(["whoami"], isolatedEnv().env);
    expect(code).toBe(1);
    expect(stderr).toContain("omnara login");
  });

  test("omnara claude without Claude Code installed gives the install hint", async () => {
    const { env } = isolatedEnv({ OMNARA_API_KEY: "k", PATH: "/nonexistent" });
    const { code, stderr } = await runCli(["claude"], { ...env, PATH: "/nonexistent" });
    expect(code).toBe(1);
    expect(stderr).toContain("npm install -g @anthropic-ai/claude-code");
  });
});
