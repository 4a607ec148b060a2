import { execFile, spawn } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
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

/** Runs a compiled consumer with plain node; answers its question from the user API. */
async function runAgent(
  project: string,
  file: string,
): Promise<{ code: number | null; stderr: string; answer: string }> {
  const human = await newUserWithKey(server.url, `packed-${file}`);
  const child = spawn(process.execPath, [join(project, "out", file)], {
    cwd: project,
    env: { PATH: process.env.PATH, OMNARA_API_KEY: human.apiKey, OMNARA_BASE_URL: server.url },
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
  "npm pack (which builds) → install in an empty project → type-check → ESM and CJS run against a live server",
  { timeout: 600_000 },
  async () => {
    // As in a fresh clone after `npm ci`: no build yet, `npm pack` alone must produce it.
    rmSync(join(sdkDir, "dist"), { recursive: true, force: true });
    // (The build's own output shares npm's stdout, so the tarball is read rather than `--json`.)
    await run("npm", ["pack", "--pack-destination", workDir], { cwd: sdkDir });
    const [tarball = ""] = readdirSync(workDir).filter((name) => name.endsWith(".tgz"));
    const listing = await run("tar", ["-tzf", join(workDir, tarball)]);
    expect(listing.stdout.trim().split("\n").sort()).toEqual(
      ["README.md", "dist/index.cjs", "dist/index.d.cts", "dist/index.d.ts", "dist/index.js", "package.json"]
        .map((file) => `package/${file}`)
        .sort(),
    );
    // The source manifest is back in place after packing.
    expect(JSON.parse(readFileSync(join(sdkDir, "package.json"), "utf8")).exports["."]).toBe("./src/index.ts");
    expect(existsSync(join(sdkDir, ".package.source.json"))).toBe(false);

    const project = join(workDir, "consumer");
    mkdirSync(project);
    writeFileSync(join(project, "package.json"), JSON.stringify({ name: "consumer", private: true, type: "module" }));
    await run("npm", ["install", join(workDir, tarball), "--no-audit", "--no-fund"], { cwd: project });

    const installed = JSON.parse(readFileSync(join(project, "node_modules/@omnara/sdk/package.json"), "utf8"));
    expect(installed.exports["."]).toEqual({
      import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
      require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
    });
    expect(installed.devDependencies).toBeUndefined();
    expect(installed.scripts).toBeUndefined();
    expect(installed.dependencies).toEqual({ zod: expect.stringMatching(/^\d+\.\d+\.\d+$/) });
    // Nothing the user did not ask for: the SDK and zod (the tRPC client is bundled, see tsdown.config.ts).
    const top = readdirSync(join(project, "node_modules"), { withFileTypes: true })
      .filter((d) => !d.name.startsWith("."))
      .flatMap((d) =>
        d.name.startsWith("@")
          ? readdirSync(join(project, "node_modules", d.name)).map((n) => `${d.name}/${n}`)
          : [d.name],
      );
    expect(top.sort()).toEqual(["@omnara/sdk", "zod"]);

    // The types stand on zod alone: the contracts are inlined, no server or tRPC type leaks.
    for (const file of ["index.d.ts", "index.d.cts"]) {
      const declarations = readFileSync(join(project, "node_modules/@omnara/sdk/dist", file), "utf8");
      const imported = new Set([...declarations.matchAll(/from "([^"]+)"/g)].map((match) => match[1]));
      expect([...imported].sort()).toEqual(["zod", "zod/v4/core"]);
    }

    copyFileSync(join(fixtureDir, "agent.ts"), join(project, "agent.ts"));
    copyFileSync(join(fixtureDir, "agent-cjs.cts"), join(project, "agent-cjs.cts"));
    copyFileSync(join(fixtureDir, "tsconfig.json"), join(project, "tsconfig.json"));
    const typecheck = await run(process.execPath, [tsc, "-p", project, "--listFiles"]).catch(
      (error: { stdout: string }) => error,
    );
    const listed = typecheck.stdout.split("\n").filter((line) => line.includes("node_modules/@omnara/sdk/"));
    // Each consumer was checked against its own declaration file, and nothing failed.
    expect(listed.map((line) => line.slice(line.indexOf("node_modules/")))).toEqual(
      expect.arrayContaining(["node_modules/@omnara/sdk/dist/index.d.ts", "node_modules/@omnara/sdk/dist/index.d.cts"]),
    );
    expect(typecheck.stdout.split("\n").filter((line) => line.includes("error TS"))).toEqual([]);

    const esm = await runAgent(project, "agent.js");
    expect(esm).toEqual({ code: 0, stderr: "", answer: "ANSWER yes COMPLETED 36 TIMEOUT" });
    const cjs = await runAgent(project, "agent-cjs.cjs");
    expect(cjs).toEqual({ code: 0, stderr: "", answer: "ANSWER yes COMPLETED 36 CJS" });
  },
);
