import { readFileSync } from "node:fs";
import { z } from "zod";
import { manifestUrl } from "./package-files.ts";

/** The package's own version, read from package.json so it cannot drift. */
export const version = z.object({ version: z.string() }).parse(JSON.parse(readFileSync(manifestUrl, "utf8"))).version;
