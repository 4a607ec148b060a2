import { execFile } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, realpathSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { testEnv } from "@omnara/testing";

export const run = promisify(execFile);
export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

/** The packages we publish, by their folder in the monorepo. */
export const publishedPackages = [
  { name: "omnara", dir: "apps/cli" },
  { name: "@omnara/sdk", dir: "packages/sdk" },
] as const;

/**
 * PATH without any node_modules/.bin: what runs in a packed project must come from that project
 * (or the system), never from the monorepo.
 */
export const systemPath = (): string =>
  testEnv.path
    .split(delimiter)
    .filter((entry) => !entry.includes("node_modules"))
    .join(delimiter);

/** A directory under the system temp dir: no node_modules above it, nothing of the workspace. */
export const scratchDir = (prefix: string): string => realpathSync(mkdtempSync(join(tmpdir(), prefix)));

/** `npm pack` as a contributor runs it in a fresh clone (its prepack builds); returns name → tarball. */
export async function packAll(destination: string): Promise<Map<string, string>> {
  mkdirSync(destination, { recursive: true });
  const tarballs = new Map<string, string>();
  for (const { name, dir } of publishedPackages) {
    const before = new Set(readdirSync(destination));
    // One at a time: each swaps its manifest while it packs.
    await run("npm", ["pack", "--pack-destination", destination], {
      cwd: join(repoRoot, dir),
      maxBuffer: 64 * 1024 * 1024,
    });
    const [tarball] = readdirSync(destination).filter((file) => file.endsWith(".tgz") && !before.has(file));
    if (!tarball) throw new Error(`npm pack of ${name} produced no tarball`);
    tarballs.set(name, join(destination, tarball));
  }
  return tarballs;
}

/**
 * An empty project that installs the given tarballs from the registry, as a user's would. npm's
 * own cache (the real HOME's) is kept, so a second run downloads nothing.
 */
export async function installProject(dir: string, tarballs: readonly string[], type = "module"): Promise<void> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, "package.json"), JSON.stringify({ name: "consumer", private: true, type }));
  await run("npm", ["install", ...tarballs, "--no-audit", "--no-fund", "--prefer-offline"], {
    cwd: dir,
    env: { PATH: systemPath(), HOME: testEnv.home ?? tmpdir() },
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * A module to pass with `node --import`: writes the URL of every module node resolves to the file
 * named by OMNARA_LOADED_MODULES, so a test can see what a command loaded.
 */
export function writeLoadTracker(dir: string): string {
  const hooks = join(dir, "load-tracker-hooks.mjs");
  writeFileSync(
    hooks,
    `import { appendFileSync } from "node:fs";
export async function resolve(specifier, context, next) {
  const result = await next(specifier, context);
  if (process.env.OMNARA_LOADED_MODULES) appendFileSync(process.env.OMNARA_LOADED_MODULES, result.url + "\\n");
  return result;
}
`,
  );
  const tracker = join(dir, "load-tracker.mjs");
  writeFileSync(tracker, `import { register } from "node:module";\nregister(${JSON.stringify(`file://${hooks}`)});\n`);
  return tracker;
}

/** The packages (node_modules/<name>) among the module URLs a load tracker wrote. */
export function loadedPackages(urls: string): Set<string> {
  const names = new Set<string>();
  for (const url of urls.split("\n")) {
    const match = /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url);
    if (match?.[1]) names.add(match[1]);
  }
  return names;
}
