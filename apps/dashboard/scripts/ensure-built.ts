import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const dashboardDir = resolve(dirname(fileURLToPath(import.meta.url)), "..");
export const distDir = join(dashboardDir, "dist");

const newest = (path: string): number => {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(0, ...readdirSync(path).map((name) => newest(join(path, name))));
};

/**
 * Builds the dashboard when dist is missing or older than its sources: `npm start` serves, and
 * the browser tests test, what is in the tree.
 */
export function ensureDashboardBuilt(): void {
  const built = newest(join(distDir, "index.html"));
  const sources = Math.max(
    ...["src", "public", "index.html", "vite.config.ts", "package.json"].map((p) => newest(join(dashboardDir, p))),
  );
  if (built > sources) return;
  const result = spawnSync("npx", ["vite", "build", "--logLevel", "warn"], {
    cwd: dashboardDir,
    stdio: "inherit",
    // vitest sets NODE_ENV=test, which would make vite bundle React's development build.
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (result.status !== 0) throw new Error(`vite build failed with status ${result.status}`);
}

// `npm run ensure-built -w @omnara/dashboard` (what `npm start` runs first).
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) ensureDashboardBuilt();
