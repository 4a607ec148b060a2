import { statSync } from "node:fs";
import { join } from "node:path";
import { newUserWithKey, startTestServer } from "@omnara/testing";
import { expect, test } from "vitest";
import { runCli, startCli } from "./cli-process.ts";
import { isolatedEnv } from "./test-env.ts";

test("omnara login: the code confirmed in the dashboard gives this machine a key, stored 0600", async () => {
  await using server = await startTestServer("pglite");
  const alice = await newUserWithKey(server.url, "alice");
  const { env, home } = isolatedEnv();

  const login = startCli(["--base-url", server.url, "login", "--json", "--name", "build-box"], env);
  const [, code] = await login.waitForOutput(/confirm the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
  expect(login.stderr()).toContain(`${server.url}/cli-login?code=${code}`);

  const described = await alice.user.describeCliLogin.query({ user_code: String(code) });
  expect(described).toMatchObject({ client_name: "build-box", status: "pending" });
  await alice.user.confirmCliLogin.mutate({ user_code: String(code) });

  expect(await login.exited).toBe(0);
  expect(JSON.parse(login.stdout())).toMatchObject({
    status: "signed_in",
    email: alice.email,
    key_name: "CLI on build-box",
  });
  const file = join(home, ".omnara", "credentials.json");
  expect(statSync(file).mode & 0o777).toBe(0o600);
  expect(statSync(join(home, ".omnara")).mode & 0o777).toBe(0o700);

  // The stored key works, and is one of the user's keys.
  const whoami = await runCli(["whoami", "--json"], env);
  expect(JSON.parse(whoami.stdout)).toMatchObject({
    email: alice.email,
    base_url: server.url,
    key_source: "credentials",
  });
  expect((await alice.user.listApiKeys.query({})).map((k) => k.name)).toContain("CLI on build-box");

  const logout = await runCli(["logout", "--json"], env);
  expect(JSON.parse(logout.stdout)).toMatchObject({ removed: true });
  expect((await runCli(["whoami"], env)).code).toBe(1);
});

test("omnara login: a denied code ends the login with an error and stores nothing", async () => {
  await using server = await startTestServer("pglite");
  const bob = await newUserWithKey(server.url, "bob");
  const { env } = isolatedEnv();
  const login = startCli(["--base-url", server.url, "login", "--json"], env);
  const [, code] = await login.waitForOutput(/confirm the code ([A-Z0-9]{4}-[A-Z0-9]{4})/);
  await bob.user.confirmCliLogin.mutate({ user_code: String(code).toLowerCase(), approve: false });
  expect(await login.exited).toBe(1);
  expect(JSON.parse(login.stdout())).toMatchObject({ error: { code: "LOGIN_DENIED" } });
  await expect(bob.user.confirmCliLogin.mutate({ user_code: String(code) })).rejects.toThrow(/already denied/);
});
