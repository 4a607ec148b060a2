import type { Config } from "@omnara/config";

/** Where the database is, as the startup banner and `omnara serve --json` say it. */
export const databaseDescription = (config: Config): string =>
  config.databaseUrl ? "Postgres (DATABASE_URL)" : `embedded PGlite in ${config.dataDir}`;

/** The lines a started server prints: where it runs and where its surfaces are. */
export function bannerLines(url: string, config: Config): string[] {
  return [
    `Omnara is running at ${url}  (role: ${config.role}, database: ${databaseDescription(config)})`,
    `  dashboard  ${url}/`,
    `  REST API   ${url}/api/v1  (OpenAPI: ${url}/openapi.json)`,
  ];
}
