import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** The committed migrations, beside the package's source (and its build). */
export const migrationsFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "migrations");
