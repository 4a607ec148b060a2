// `npm start`: build the dashboard when it is missing or older than its sources, then run the server.
import { spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import { join, resolve } from "node:path";

// npm runs workspace scripts in the workspace's folder; the data dir belongs to where you started.
const env = { ...process.env, OMNARA_DATA_DIR: process.env.OMNARA_DATA_DIR ?? resolve(".omnara") };

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit", shell: false, env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

// Newest modification time under a folder, to tell a stale build after `git pull`.
const newest = (dir) =>
  readdirSync(dir, { withFileTypes: true }).reduce((latest, entry) => {
    const path = join(dir, entry.name);
    return Math.max(latest, entry.isDirectory() ? newest(path) : statSync(path).mtimeMs);
  }, 0);

const built = "apps/dashboard/dist/index.html";
if (existsSync("apps/dashboard/package.json")) {
  const stale = !existsSync(built) || newest("apps/dashboard/src") > statSync(built).mtimeMs;
  if (stale) run("npm", ["run", "build", "--workspace", "@omnara/dashboard"]);
}
run("npm", ["run", "start", "--workspace", "@omnara/server"]);
