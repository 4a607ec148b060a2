/**
 * The only code that looks at the host process. Reached through globalThis so the bundle has
 * no Node import and runs unchanged in browsers, Deno, Bun and edge runtimes.
 */
const hostProcess = (): object | undefined => {
  const candidate: unknown = Reflect.get(globalThis, "process");
  return typeof candidate === "object" && candidate !== null ? candidate : undefined;
};

/** An environment variable, or undefined when unset, empty, or there is no process. */
export function readEnv(name: "OMNARA_API_KEY" | "OMNARA_BASE_URL"): string | undefined {
  const env: unknown = Reflect.get(hostProcess() ?? {}, "env");
  if (typeof env !== "object" || env === null) return undefined;
  const value: unknown = Reflect.get(env, name);
  return typeof value === "string" && value.trim() !== "" ? value.trim() : undefined;
}

/** Runs `listener` when the process exits; returns false where there is no process to watch. */
export function onProcessExit(listener: () => void): boolean {
  const proc = hostProcess();
  if (!proc || !("once" in proc) || typeof proc.once !== "function") return false;
  proc.once("exit", listener);
  return true;
}
