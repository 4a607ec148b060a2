import { execFile, spawn } from "node:child_process";
import { copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { newUserWithKey, startTestServer, type TestServer } from "@omnara/testing";
import { afterAll, beforeAll, expect, test } from "vitest";

const run = promisify(execFile);
const sdkDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const fixtureDir = join(sdkDir, "test/fixtures/packed-consumer");
const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");

let server: TestServer;
let workDir: string;
beforeAll(async () => {
  server = await startTestServer("pglite");
  workDir = mkdtempSync(join(tmpdir(), "omnara-sdk-pack-"));
});
afterAll(async () => {
  await server.close();
  rmSync(workDir, { recursive: true, force: true });
});

test(
  "npm pack → install in an empty project → type-check → run against a live server",
  { timeout: 600_000 },
  async () => {
    await run("npx", ["tsdown"], { cwd: sdkDir });
    const packed = await run("npm", ["pack", "--json", "--pack-destination", workDir], { cwd: sdkDir });
    const [info] = JSON.parse(packed.stdout);
    expect(info.files.map((f: { path: string }) => f.path).sort()).toEqual(
      ["README.md", "dist/index.d.ts", "dist/index.js", "package.json"].sort(),
    );
    // The source manifest is back in place after packing.
    expect(JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8")).exports["."]).toBe("./src/index.ts");

    const project = join(workDir, "consumer");
    const tarball = join(workDir, info.filename);
    await run("mkdir", ["-p", project]);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await run("npm", ["install", tarball, "--no-audit", "--no-fund"], { cwd: project });

    const installed = JSON.parse(readFileSync(join(project, "node_modules/@omnara/sdk/package.json"), "utf8"));
    expect(installed.exports["."]).toEqual({
      types: "./dist/index.d.ts",
      import: "./dist/index.js",
      default: "./dist/index.js",
    });
    expect(installed.devDependencies).toBeUndefined();
    expect(installed.scripts).toBeUndefined();
    // Nothing the user did not ask for: the SDK and zod (the tRPC client is bundled, see tsdown.config.ts).
    const top = readdirSync(join(project, "node_modules"), { withFileTypes: true })
      .filter((d) => !d.name.startsWith("."))
      .flatMap((d) =>
        d.name.startsWith("@")
          ? readdirSync(join(project, "node_modules", d.name)).map((n) => `${d.name}/${n}`)
          : [d.name],
      );
    expect(top.sort()).toEqual(["@omnara/sdk", "zod"]);

    copyFileSync(join(fixtureDir, "agent.ts"), join(project, "agent.ts"));
    copyFileSync(join(fixtureDir, "tsconfig.json"), join(project, "tsconfig.json"));
    const typecheck = await run(process.execPath, [tsc, "-p", project]).catch((error: { stdout: string }) => error);
    expect(typecheck.stdout).toBe("");

    const human = await newUserWithKey(server.url, "packed");
    const child = spawn(process.execPath, [join(project, "out/agent.js")], {
      cwd: project,
      env: { ...process.env, OMNARA_API_KEY: human.apiKey, OMNARA_BASE_URL: server.url },
      stdio: ["ignore", "pipe", "pipe"],
    });
    const exited = new Promise<number | null>((resolveExit) => child.once("exit", resolveExit));
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const lines = createInterface({ input: child.stdout });
    let answerLine = "";
    for await (const line of lines) {
      if (line === "QUESTION_STORED") {
        const [instance] = (await human.user.listInstances.query({})).instances;
        if (!instance) throw new Error("no instance");
        await human.user.reply.mutate({ agent_instance_id: instance.id, content: "yes" });
      }
      if (line.startsWith("ANSWER")) answerLine = line;
    }
    const code = await exited;
    expect(stderr).toBe("");
    expect(code).toBe(0);
    expect(answerLine).toBe("ANSWER yes COMPLETED 36 TIMEOUT");
  },
);
