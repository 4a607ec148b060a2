import { readFileSync } from "node:fs";
import { z } from "zod";

/** The package's own version, read from package.json so it cannot drift. */
export const version = z
  .object({ version: z.string() })
  .parse(JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"))).version;
