import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { z } from "zod";

/** HMAC keys for API keys and session tokens. Generated on first start, never committed. */
export interface Secrets {
  apiKeySecret: Uint8Array;
  sessionSecret: Uint8Array;
}

const SecretsFile = z.object({ api_key_secret: z.string().min(40), session_secret: z.string().min(40) });

export const generateSecrets = (): Secrets => ({
  apiKeySecret: randomBytes(32),
  sessionSecret: randomBytes(32),
});

/**
 * Reads `<dataDir>/secrets.json`, creating it (mode 0600) on first start. Processes that share a
 * database must share this file (or the same data dir) so each accepts the others' tokens.
 */
export function loadOrCreateSecrets(dataDir: string): Secrets {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, "secrets.json");
  const fresh = generateSecrets();
  try {
    const body = {
      api_key_secret: Buffer.from(fresh.apiKeySecret).toString("base64"),
      session_secret: Buffer.from(fresh.sessionSecret).toString("base64"),
    };
    // 'wx' fails if the file exists, so two processes starting at once keep one set of keys.
    writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { flag: "wx", mode: 0o600 });
    return fresh;
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const stored = SecretsFile.parse(JSON.parse(readFileSync(path, "utf8")));
  return {
    apiKeySecret: Buffer.from(stored.api_key_secret, "base64"),
    sessionSecret: Buffer.from(stored.session_secret, "base64"),
  };
}
