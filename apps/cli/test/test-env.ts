import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { testEnv } from "@omnara/testing";

/** A clean environment with its own HOME, so no test reads or writes the developer's ~/.omnara. */
export function isolatedEnv(extra: Record<string, string> = {}): { env: NodeJS.ProcessEnv; home: string } {
  const home = mkdtempSync(join(tmpdir(), "omnara-cli-home-"));
  const env: NodeJS.ProcessEnv = { PATH: testEnv.path, HOME: home, ...extra };
  return { env, home };
}
