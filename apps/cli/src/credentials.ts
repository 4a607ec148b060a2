import { chmodSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { homeDataDir } from "@omnara/config";
import { z } from "zod";

/** `~/.omnara/credentials.json`: the API key `omnara login` received and the server it belongs to. */
export const credentialsPath = (): string => join(homeDataDir(), "credentials.json");

const Stored = z.object({
  api_key: z.string().min(1).optional(),
  /** Omnara's Python CLI stored the key under this name; still read so old files keep working. */
  write_key: z.string().min(1).optional(),
  base_url: z.string().optional(),
  email: z.string().nullish(),
  key_name: z.string().nullish(),
});

export interface Credentials {
  apiKey: string;
  baseUrl: string | undefined;
  email: string | undefined;
}

export function readCredentials(path = credentialsPath()): Credentials | undefined {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    return undefined;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return undefined;
  }
  const parsed = Stored.safeParse(json);
  const apiKey = parsed.success ? (parsed.data.api_key ?? parsed.data.write_key) : undefined;
  if (!parsed.success || !apiKey) return undefined;
  return { apiKey, baseUrl: parsed.data.base_url, email: parsed.data.email ?? undefined };
}

/** Writes the file readable by its owner only (dir 0700, file 0600), replacing it atomically. */
export function writeCredentials(
  value: { apiKey: string; baseUrl: string; email: string | null; keyName: string | null },
  path = credentialsPath(),
): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  // mkdir leaves the mode of an existing directory alone.
  chmodSync(dir, 0o700);
  const body = { api_key: value.apiKey, base_url: value.baseUrl, email: value.email, key_name: value.keyName };
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(body, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temporary, 0o600);
  renameSync(temporary, path);
}

/** Returns whether there was a file to remove. */
export function removeCredentials(path = credentialsPath()): boolean {
  const existed = readCredentials(path) !== undefined;
  rmSync(path, { force: true });
  return existed;
}
