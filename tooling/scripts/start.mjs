// `npm start`: build the dashboard when it is missing or older than its sources, then run the server.
import { spawnSync } from "node:child_process";
import { resolve } from "node:path";

// npm runs workspace scripts in the workspace's folder; the data dir belongs to where you started.
const env = { ...process.env, OMNARA_DATA_DIR: process.env.OMNARA_DATA_DIR ?? resolve(".omnara") };

const run = (cmd, args) => {
  const result = spawnSync(cmd, args, { stdio: "inherit", shell: false, env });
  if (result.status !== 0) process.exit(result.status ?? 1);
};

run("npm", ["run", "ensure-built", "--workspace", "@omnara/dashboard"]);
run("npm", ["run", "start", "--workspace", "@omnara/server"]);
