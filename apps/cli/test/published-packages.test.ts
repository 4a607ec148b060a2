import { spawn } from "node:child_process";
import { copyFileSync, existsSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { builtinModules } from "node:module";
import { dirname, join, relative } from "node:path";
import { createInterface } from "node:readline";
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { mcpOperations } from "@omnara/mcp";
import { createTestDatabase, eventually, rest, testEnv, userClient } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";
import { z } from "zod";
import { claudeEnv, claudeHome, quitClaude, screenText } from "./claude-terminal.ts";
import { type CliProcess, startCli } from "./cli-process.ts";
import { FakeAnthropic } from "./fake-anthropic.ts";
import {
  installProject,
  loadedPackages,
  packAll,
  publishedPackages,
  repoRoot,
  run,
  scratchDir,
  systemPath,
  writeLoadTracker,
} from "./packed-install.ts";

/**
 * The published packages as a user gets them: `npm pack` each one (its prepack builds it), install
 * the tarballs into empty projects under the system temp dir (no node_modules above them, nothing
 * of the monorepo on PATH), and run them with plain `node`. One pack and install serve every test.
 */

const SERVER_ONLY = [
  "express",
  "@electric-sql/pglite",
  "drizzle-orm",
  "postgres",
  "jose",
  "firebase-admin",
  "@parse/node-apn",
  "web-push",
  "nodemailer",
];

let work: string;
let tarballs: Map<string, string>;
let project: string;
let sdkProject: string;
let omnaraMain: string;
let tracker: string;
let serveHome: string;
let serve: CliProcess;
let url: string;

beforeAll(async () => {
  work = scratchDir("omnara-published-");
  tarballs = await packAll(join(work, "tarballs"));
  project = join(work, "project");
  sdkProject = join(work, "sdk-project");
  await installProject(project, [...tarballs.values()]);
  await installProject(sdkProject, [tarballs.get("@omnara/sdk") ?? ""]);
  omnaraMain = join(project, "node_modules/omnara/dist/main.js");
  tracker = writeLoadTracker(work);

  serveHome = scratchDir("omnara-published-home-");
  serve = startCli(["serve", "--port", "0"], userEnv(serveHome, join(work, "serve-modules.txt")), [
    process.execPath,
    "--import",
    tracker,
    omnaraMain,
  ]);
  [, url = ""] = await serve.waitForOutput(/Omnara is running at (http:\/\/[\d.:]+)/, 120_000);
}, 900_000);

afterAll(async () => {
  serve?.child.kill("SIGTERM");
  await serve?.exited;
  for (const dir of [work, serveHome]) if (dir) rmSync(dir, { recursive: true, force: true });
});

/** A user's shell: their own HOME, the system PATH, and (optionally) the load tracker's file. */
function userEnv(home: string, loadedModules?: string): Record<string, string> {
  return { PATH: systemPath(), HOME: home, ...(loadedModules ? { OMNARA_LOADED_MODULES: loadedModules } : {}) };
}

/** Runs the installed `omnara` with the load tracker; returns its output and the packages it loaded. */
async function omnara(args: string[], home: string) {
  const modules = join(work, `modules-${args[0]}-${Date.now()}.txt`);
  const cli = startCli(args, userEnv(home, modules), [process.execPath, "--import", tracker, omnaraMain]);
  cli.child.stdin?.end();
  const code = await cli.exited;
  return { code, stdout: cli.stdout(), stderr: cli.stderr(), loaded: loadedPackages(readFile(modules)) };
}

const readFile = (path: string): string => (existsSync(path) ? readFileSync(path, "utf8") : "");
const manifestOf = (dir: string) => JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

/** Every file a manifest names as an entry: bin, main, types, exports. */
function entryFiles(manifest: Record<string, unknown>): string[] {
  const found: string[] = [];
  const collect = (value: unknown) => {
    if (typeof value === "string") found.push(value);
    else if (value && typeof value === "object") for (const inner of Object.values(value)) collect(inner);
  };
  for (const field of ["bin", "main", "types", "exports"]) collect(manifest[field]);
  return found.filter((file) => file !== "./package.json");
}

// How the bundler writes imports: statements at the start of a line (so a JSDoc example, whose
// lines start with "*", is no import), dynamic import() and require() calls.
const IMPORTS = [
  /^\s*(?:import|export)\b[^;"]*?\bfrom\s*"([^"]+)"/gm,
  /^\s*import\s*"([^"]+)"/gm,
  /\b(?:import|require)\(\s*"([^"]+)"\s*\)/g,
];

/** Packages a built file imports (static, dynamic, require), by name. */
function importedPackages(source: string): Set<string> {
  const names = new Set<string>();
  for (const match of IMPORTS.flatMap((pattern) => [...source.matchAll(pattern)])) {
    const specifier = match[1] ?? "";
    if (specifier.startsWith(".")) continue;
    if (specifier.startsWith("node:") || builtinModules.includes(specifier)) continue;
    const parts = specifier.split("/");
    names.add(specifier.startsWith("@") ? parts.slice(0, 2).join("/") : (parts[0] ?? specifier));
  }
  return names;
}

const workspaceManifests = (): Record<string, unknown>[] =>
  ["apps", "packages", "tooling"].flatMap((group) =>
    readdirSync(join(repoRoot, group))
      .map((dir) => join(repoRoot, group, dir, "package.json"))
      .filter(existsSync)
      .map((file) => JSON.parse(readFileSync(file, "utf8"))),
  );

test("each published package depends on pinned registry packages only and ships built JavaScript", () => {
  const workspaceNames = new Set(workspaceManifests().map((m) => String(m["name"])));
  for (const { name } of publishedPackages) {
    const dir = join(project, "node_modules", name);
    const manifest = manifestOf(dir);
    const dependencies: Record<string, string> = manifest.dependencies ?? {};
    expect(
      Object.keys(dependencies).filter((dep) => workspaceNames.has(dep)),
      `${name} depends on workspace packages`,
    ).toEqual([]);
    for (const [dep, version] of Object.entries(dependencies)) {
      expect(version, `${name} → ${dep}`).toMatch(/^\d+\.\d+\.\d+$/);
    }
    expect(manifest.devDependencies).toBeUndefined();
    expect(manifest.scripts).toBeUndefined();

    const entries = entryFiles(manifest);
    expect(entries.length).toBeGreaterThan(0);
    for (const entry of entries) {
      expect(entry, `${name} entry`).toMatch(/\.(js|cjs|d\.ts|d\.cts)$/);
      expect(existsSync(join(dir, entry)), `${name} ships ${entry}`).toBe(true);
    }
    const files = filesUnder(dir).map((file) => relative(dir, file));
    expect(files.filter((file) => /\.(ts|mts|cts|tsx)$/.test(file) && !/\.d\.c?ts$/.test(file))).toEqual([]);

    // Files the built code finds beside itself are shipped.
    for (const file of files.filter((f) => /\.c?js$/.test(f) && !f.startsWith("dist/dashboard/"))) {
      const source = readFileSync(join(dir, file), "utf8");
      for (const [, target = ""] of source.matchAll(/new URL\("([^"]+)", import\.meta\.url\)/g)) {
        expect(existsSync(join(dir, dirname(file), target)), `${name}: ${file} refers to ${target}`).toBe(true);
      }
    }

    // Whatever the built code imports is a declared dependency (or part of Node).
    const imported = new Set<string>();
    for (const file of files.filter((f) => /\.c?js$/.test(f) && !f.startsWith("dist/dashboard/"))) {
      for (const pkg of importedPackages(readFileSync(join(dir, file), "utf8"))) imported.add(pkg);
    }
    expect([...imported].filter((pkg) => !(pkg in dependencies)).sort(), `${name} imports undeclared`).toEqual([]);
  }

  // The CLI pins the same versions the workspace packages it bundles were developed against.
  const cliDependencies: Record<string, string> = manifestOf(join(project, "node_modules/omnara")).dependencies;
  for (const [dep, version] of Object.entries(cliDependencies)) {
    const declared = workspaceManifests()
      .filter((m) => m["name"] !== "omnara")
      .flatMap((m) => Object.entries({ ...(m["dependencies"] as object) }).filter(([d]) => d === dep))
      .map(([, v]) => v);
    expect(
      declared.filter((v) => v !== version),
      `workspace versions of ${dep}`,
    ).toEqual([]);
  }
  expect(manifestOf(join(project, "node_modules/@omnara/sdk")).dependencies).toEqual({
    zod: expect.stringMatching(/^\d+\.\d+\.\d+$/),
  });
});

test("npm publish --dry-run of each tarball is clean", { timeout: 60_000 }, async () => {
  for (const { name } of publishedPackages) {
    const dryRun = await run("npm", ["publish", "--dry-run", tarballs.get(name) ?? ""], {
      cwd: work,
      env: { PATH: systemPath(), HOME: testEnv.home ?? work },
    });
    // Only the reminder that a real publish needs `npm login`.
    const warnings = dryRun.stderr.split("\n").filter((line) => /npm (warn|error)/i.test(line));
    expect(
      warnings.filter((line) => !line.includes("requires you to be logged in")),
      name,
    ).toEqual([]);
    expect(dryRun.stderr).toContain(`${name}@`);
  }
});

test("npx omnara --help and --version load no server code", { timeout: 120_000 }, async () => {
  const home = scratchDir("omnara-published-help-");
  const npx = await run("npx", ["--no-install", "omnara", "--help"], { cwd: project, env: userEnv(home) });
  expect(npx.stdout).toMatch(/^Usage: omnara/);
  for (const command of ["serve", "login", "whoami", "mcp", "claude"]) expect(npx.stdout).toContain(command);

  const version = await omnara(["--version"], home);
  expect(version.stdout.trim()).toBe(manifestOf(join(project, "node_modules/omnara")).version);
  const help = await omnara(["--help"], home);
  expect(help.code).toBe(0);
  expect(help.loaded.has("commander")).toBe(true);
  // zod alone would be most of the start-up time (see src/version.ts).
  expect(help.loaded.has("zod")).toBe(false);
  expect(
    [...help.loaded].filter((pkg) => SERVER_ONLY.includes(pkg) || pkg.startsWith("@modelcontextprotocol")),
  ).toEqual([]);
  rmSync(home, { recursive: true, force: true });
});

test(
  "omnara serve runs the product from the package: health, the shipped dashboard, sign-up, data under ~/.omnara",
  {
    timeout: 60_000,
  },
  async () => {
    expect((await fetch(`${url}/healthz`)).status).toBe(200);
    const index = await fetch(`${url}/`);
    expect(index.status).toBe(200);
    const html = await index.text();
    expect(html).toContain('<div id="root">');
    const script = /<script type="module" crossorigin src="([^"]+)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${url}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get("content-type")).toMatch(/javascript/);
    // A client-side route loads the app too.
    expect(await (await fetch(`${url}/cli-login?code=ABCD-EFGH`)).text()).toBe(html);

    const signup = await rest(url, "POST", "/api/v1/auth/signup", {
      body: { email: "packed@example.com", password: "a long password" },
    });
    expect(signup.status).toBe(201);
    expect(signup.body["token"]).toEqual(expect.any(String));

    // The embedded database lives in the user's home, and the server (only) loaded its stack.
    expect(statSync(join(serveHome, ".omnara", "pgdata")).isDirectory()).toBe(true);
    const loaded = loadedPackages(readFile(join(work, "serve-modules.txt")));
    expect(SERVER_ONLY.filter((pkg) => !loaded.has(pkg))).toEqual([]);
  },
);

/** A user signed up on the packed server, with an API key. */
async function newUser(name: string) {
  const email = `${name}-${Date.now()}@example.com`;
  const signup = await rest(url, "POST", "/api/v1/auth/signup", { body: { email, password: "a long password" } });
  const token = z.string().parse(signup.body["token"]);
  const key = await rest(url, "POST", "/api/v1/auth/api-keys", { token, body: { name: `${name} key` } });
  return { email, token, apiKey: z.string().parse(key.body["api_key"]), user: userClient(url, token) };
}

/** Runs a compiled SDK consumer with plain node, answering its question from the user API. */
async function runSdkAgent(file: string) {
  const human = await newUser(`sdk-${file}`);
  const child = spawn(process.execPath, [join(sdkProject, "out", file)], {
    cwd: sdkProject,
    env: { PATH: systemPath(), OMNARA_API_KEY: human.apiKey, OMNARA_BASE_URL: url },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const exited = new Promise<number | null>((resolveExit) => child.once("exit", resolveExit));
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  let answer = "";
  for await (const line of createInterface({ input: child.stdout })) {
    if (line === "QUESTION_STORED") {
      const [instance] = (await human.user.listInstances.query({})).instances;
      if (!instance) throw new Error("no instance");
      await human.user.reply.mutate({ agent_instance_id: instance.id, content: "yes" });
    }
    if (line.startsWith("ANSWER")) answer = line;
  }
  return { code: await exited, stderr, answer };
}

test(
  "@omnara/sdk from its tarball: zod alone beside it, types for ESM and CJS, an ask answered through the API",
  {
    timeout: 180_000,
  },
  async () => {
    const installed = readdirSync(join(sdkProject, "node_modules"), { withFileTypes: true })
      .filter((d) => !d.name.startsWith("."))
      .flatMap((d) =>
        d.name.startsWith("@")
          ? readdirSync(join(sdkProject, "node_modules", d.name)).map((n) => `${d.name}/${n}`)
          : [d.name],
      );
    expect(installed.sort()).toEqual(["@omnara/sdk", "zod"]);
    const sdkDir = join(sdkProject, "node_modules/@omnara/sdk");
    expect(manifestOf(sdkDir).exports["."]).toEqual({
      import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
      require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
    });
    // The types stand on zod alone: the contracts are inlined, no server or tRPC type leaks.
    for (const file of ["index.d.ts", "index.d.cts"]) {
      const declarations = readFileSync(join(sdkDir, "dist", file), "utf8");
      const imported = new Set([...declarations.matchAll(/from "([^"]+)"/g)].map((match) => match[1]));
      expect([...imported].sort()).toEqual(["zod", "zod/v4/core"]);
    }

    const fixtures = join(repoRoot, "apps/cli/test/fixtures/sdk-consumer");
    for (const file of ["agent.ts", "agent-cjs.cts", "tsconfig.json"]) {
      copyFileSync(join(fixtures, file), join(sdkProject, file));
    }
    const tsc = join(repoRoot, "node_modules/typescript/bin/tsc");
    const typecheck = await run(process.execPath, [tsc, "-p", sdkProject, "--listFiles"]).catch(
      (error: { stdout: string }) => error,
    );
    expect(typecheck.stdout.split("\n").filter((line) => line.includes("error TS"))).toEqual([]);
    // Each consumer was checked against its own declaration file.
    const declarations = typecheck.stdout
      .split("\n")
      .filter((line) => line.includes("node_modules/@omnara/sdk/"))
      .map((line) => line.slice(line.indexOf("node_modules/")));
    expect(declarations).toEqual(
      expect.arrayContaining(["node_modules/@omnara/sdk/dist/index.d.ts", "node_modules/@omnara/sdk/dist/index.d.cts"]),
    );

    expect(await runSdkAgent("agent.js")).toEqual({ code: 0, stderr: "", answer: "ANSWER yes COMPLETED 36 TIMEOUT" });
    expect(await runSdkAgent("agent-cjs.cjs")).toEqual({ code: 0, stderr: "", answer: "ANSWER yes COMPLETED 36 CJS" });
  },
);

test(
  "omnara mcp from the package answers the official MCP client's tools/list, without the server stack",
  {
    timeout: 120_000,
  },
  async () => {
    const alice = await newUser("mcp");
    const home = scratchDir("omnara-published-mcp-");
    const modules = join(work, "mcp-modules.txt");
    const transport = new StdioClientTransport({
      command: process.execPath,
      args: ["--import", tracker, omnaraMain, "mcp", "--api-key", alice.apiKey, "--base-url", url],
      cwd: home,
      env: userEnv(home, modules),
      stderr: "pipe",
    });
    const client = new Client({ name: "published-packages-test", version: "1.0.0" });
    await client.connect(transport);
    const { tools } = await client.listTools();
    expect(tools.map((tool) => tool.name).sort()).toEqual(mcpOperations.map(({ binding }) => binding.tool).sort());
    // A tool call goes through to the server.
    const step = await client.callTool({ name: "log_step", arguments: { step_description: "from the packed CLI" } });
    expect(step.isError).not.toBe(true);
    await client.close();
    const instances = await alice.user.listInstances.query({});
    expect(instances.instances).toHaveLength(1);

    const loaded = loadedPackages(readFile(modules));
    expect(loaded.has("@modelcontextprotocol/sdk")).toBe(true);
    expect([...loaded].filter((pkg) => SERVER_ONLY.includes(pkg))).toEqual([]);
    rmSync(home, { recursive: true, force: true });
  },
);

test(
  "npx omnara login, then npx omnara claude: the real Claude Code mirrored through the packed CLI",
  {
    timeout: 180_000,
  },
  async () => {
    const alice = await newUser("claude");
    const { home, project: claudeProject } = claudeHome();

    // login: the code confirmed in the dashboard stores a key in this home; nothing of the server loads.
    const login = startCli(["--base-url", url, "login", "--json"], userEnv(home, join(work, "login-modules.txt")), [
      process.execPath,
      "--import",
      tracker,
      omnaraMain,
    ]);
    const [, code] = await login.waitForOutput(/confirm the code ([A-Z0-9]{4}-[A-Z0-9]{4})/, 30_000);
    await alice.user.confirmCliLogin.mutate({ user_code: String(code) });
    expect(await login.exited).toBe(0);
    const loginLoaded = loadedPackages(readFile(join(work, "login-modules.txt")));
    expect([...loginLoaded].filter((pkg) => SERVER_ONLY.includes(pkg))).toEqual([]);
    const whoami = await omnara(["whoami", "--json"], home);
    expect(JSON.parse(whoami.stdout)).toMatchObject({ email: alice.email, base_url: url, key_source: "credentials" });

    await using fake = await FakeAnthropic.start([
      { blocks: [{ type: "text", text: "Hello from the packed CLI." }], stop: "end_turn" },
    ]);
    // The stored login is all it needs: no OMNARA_API_KEY, no OMNARA_BASE_URL.
    const { OMNARA_API_KEY: _key, OMNARA_BASE_URL: _base, ...env } = claudeEnv(home, fake.url, "", url);
    const inner = `cd '${claudeProject}' && stty cols 120 rows 40 && exec '${process.execPath}' '${omnaraMain}' claude`;
    const terminal = startCli(["-qfec", inner, "/dev/null"], { ...env, PATH: systemPath() }, ["script"]);
    const type = (text: string) => terminal.child.stdin?.write(text);
    await terminal.waitForOutput(/shortcuts/, 60_000);
    type("say hello\r");

    const instanceId = await eventually(
      "the instance",
      async () => (await alice.user.listInstances.query({})).instances.find((i) => i.name === "say hello")?.id,
      60_000,
    );
    const texts = await eventually(
      "the turn mirrored",
      async () => {
        const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
        const mirrored = detail.messages.map((m) => `${m.sender_type}: ${m.content}`);
        return mirrored.includes("AGENT: Hello from the packed CLI.") ? mirrored : undefined;
      },
      60_000,
    );
    expect(texts).toContain("USER: say hello");

    // Quit as a user does once the turn is over: the instance waits for input, and the footer last
    // drawn is the idle one, not "esc to interrupt".
    await eventually("the end-of-turn wait", async () => {
      const detail = await alice.user.getInstance.query({ agent_instance_id: instanceId });
      return detail.status === "AWAITING_INPUT" ? true : undefined;
    });
    await eventually("the idle prompt", async () => {
      const screen = screenText(terminal.stdout());
      return screen.lastIndexOf("forshortcuts") > screen.lastIndexOf("esctointerrupt") ? true : undefined;
    });
    expect(await quitClaude(terminal)).toBe(0);
    expect((await alice.user.getInstance.query({ agent_instance_id: instanceId })).status).toBe("COMPLETED");
    rmSync(home, { recursive: true, force: true });
  },
);

/** The runtime stage of the Dockerfile: its ENV settings and its CMD, as the image would run them. */
function dockerRuntime(): { env: Record<string, string>; workdir: string; command: string[] } {
  const dockerfile = readFileSync(join(repoRoot, "Dockerfile"), "utf8").replace(/\\\n/g, " ");
  const stage = dockerfile.split(/^FROM /m).at(-1) ?? "";
  const env: Record<string, string> = {};
  for (const [, settings = ""] of stage.matchAll(/^ENV (.+)$/gm)) {
    for (const [, key = "", value = ""] of settings.matchAll(/(\w+)=(\S+)/g)) env[key] = value;
  }
  const workdir = /^WORKDIR (\S+)$/m.exec(stage)?.[1] ?? "";
  const command = z.array(z.string()).parse(JSON.parse(/^CMD (\[.+\])$/m.exec(stage)?.[1] ?? "null"));
  return { env, workdir, command };
}

const postgresTest = testEnv.postgres === "skip" && !testEnv.ci ? test.skip : test;

postgresTest(
  "the Dockerfile's command, run on the tarball installed as its runtime stage installs it, serves with DATABASE_URL",
  { timeout: 120_000 },
  async () => {
    const { env, workdir, command } = dockerRuntime();
    expect(env).toMatchObject({ HOST: "0.0.0.0", OMNARA_DATA_DIR: "/data" });
    expect(command).toEqual(["node", `${workdir}/node_modules/omnara/dist/main.js`, "serve"]);
    const database = await createTestDatabase("postgres");
    const dataDir = scratchDir("omnara-published-data-");
    const [node, main = "", ...args] = command;
    expect(node).toBe("node");
    // /app is where the runtime stage installs the tarball: here, the packed project. Port 0
    // instead of 8080, which this machine may be using.
    const image = startCli(
      args,
      {
        ...env,
        PATH: systemPath(),
        HOME: dataDir,
        OMNARA_DATA_DIR: dataDir,
        PORT: "0",
        DATABASE_URL: database.url ?? "",
      },
      [process.execPath, main.replace(workdir, project)],
    );
    try {
      const [, served = ""] = await image.waitForOutput(/Omnara is running at (http:\/\/[\d.:]+)/, 60_000);
      expect(await (await fetch(`${served}/healthz`)).json()).toMatchObject({ ok: true, database: "postgres" });
      expect((await fetch(`${served}/`)).headers.get("content-type")).toMatch(/text\/html/);
    } finally {
      image.child.kill("SIGTERM");
      expect(await image.exited).toBe(0);
      rmSync(dataDir, { recursive: true, force: true });
      await database.drop();
    }
  },
);
