import { type ChildProcess, spawn } from "node:child_process";
import { once } from "node:events";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { inheritedEnv } from "./env.ts";

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "../../..");

export interface ChildServer {
  url: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/**
 * The real server entry (`apps/server/src/main.ts`) in its own OS process: for tests of several
 * processes sharing one database.
 */
export async function startChildServer(
  env: Record<string, string>,
  options: { timeoutMs?: number /** Node flags, e.g. --cpu-prof. */; nodeArgs?: string[] } = {},
): Promise<ChildServer> {
  const timeoutMs = options.timeoutMs ?? 30_000;
  const args = [...(options.nodeArgs ?? []), "--import", "tsx", resolve(repoRoot, "apps/server/src/main.ts")];
  const child = spawn(process.execPath, args, {
    cwd: repoRoot,
    env: inheritedEnv({ PORT: "0", HOST: "127.0.0.1", ...env }),
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  const url = await new Promise<string>((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error(`server did not start in ${timeoutMs} ms:\n${output}`)), timeoutMs);
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      const match = output.match(/running at (http:\/\/\S+)/);
      if (match?.[1]) {
        clearTimeout(timer);
        resolveUrl(match[1]);
      }
    };
    child.stdout?.on("data", onData);
    child.stderr?.on("data", onData);
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`server exited with ${code}:\n${output}`));
    });
  });
  return {
    url,
    process: child,
    stop: async () => {
      if (child.exitCode !== null) return;
      child.kill("SIGTERM");
      await once(child, "exit");
    },
  };
}
