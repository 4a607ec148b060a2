import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import webpush from "web-push";
import { z } from "zod";

export interface VapidKeys {
  publicKey: string;
  privateKey: string;
}

const VapidFile = z.object({ public_key: z.string().min(40), private_key: z.string().min(20) });

/**
 * Reads `<dataDir>/vapid.json`, creating it (mode 0600) on first start. Browsers subscribe with
 * the public key, so it must stay the same across restarts and across processes sharing a
 * database (share the data dir, or set the keys in the environment).
 */
export function loadOrCreateVapidKeys(dataDir: string): VapidKeys {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const path = join(dataDir, "vapid.json");
  const fresh = webpush.generateVAPIDKeys();
  try {
    const body = { public_key: fresh.publicKey, private_key: fresh.privateKey };
    // 'wx' fails if the file exists, so two processes starting at once keep one pair.
    writeFileSync(path, `${JSON.stringify(body, null, 2)}\n`, { flag: "wx", mode: 0o600 });
    return fresh;
  } catch (error) {
    if (!(error instanceof Error && "code" in error && error.code === "EEXIST")) throw error;
  }
  const stored = VapidFile.parse(JSON.parse(readFileSync(path, "utf8")));
  return { publicKey: stored.public_key, privateKey: stored.private_key };
}
