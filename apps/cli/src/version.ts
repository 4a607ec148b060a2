import { readFileSync } from "node:fs";
import { manifestUrl } from "./package-files.ts";

// Checked by hand rather than with zod: `omnara --help` and `--version` load nothing else that
// needs zod, and importing it would be most of their start-up time.
const manifest: unknown = JSON.parse(readFileSync(manifestUrl, "utf8"));

/** The package's own version, read from package.json so it cannot drift. */
export const version =
  typeof manifest === "object" && manifest !== null && "version" in manifest && typeof manifest.version === "string"
    ? manifest.version
    : "unknown";
