// `npm start`: build the dashboard when it is missing, then run the server.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { resolve } from "node:path";

// npm runs workspace scripts in the workspace's folder; the data dir belongs to where you started.
const env = { ...process.env, OMNARA_DATA_DIR: process.env.OMNARA_DATA_DIR ?? resolve(".omnara") };

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit", shell: false, env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

if (existsSync("apps/dashboard/package.json") && !existsSync("apps/dashboard/dist/index.html")) {
  run("npm", ["run", "build", "--workspace", "@omnara/dashboard"]);
}
run("npm", ["run", "start", "--workspace", "@omnara/server"]);
