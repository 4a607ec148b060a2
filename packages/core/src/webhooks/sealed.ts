import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";
import type { Secrets } from "../auth/secrets.ts";

/** Header values stored sealed in a delivery row start with this; the sender opens them. */
export const SEALED_PREFIX = "sealed:v1:";

/**
 * The key for stored third-party tokens (a GitHub token of a launch target): derived from the
 * server's API-key secret with HKDF, so it needs no file of its own and every process sharing
 * the secrets opens what another sealed. Changing the secrets makes sealed tokens unreadable.
 */
const keyOf = (secrets: Secrets): Buffer =>
  Buffer.from(hkdfSync("sha256", secrets.apiKeySecret, "omnara", "omnara sealed tokens v1", 32));

/** AES-256-GCM: iv (12 bytes), tag (16), ciphertext, base64url after the prefix. */
export function seal(secrets: Secrets, plain: string): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", keyOf(secrets), iv);
  const data = Buffer.concat([cipher.update(plain, "utf8"), cipher.final()]);
  return SEALED_PREFIX + Buffer.concat([iv, cipher.getAuthTag(), data]).toString("base64url");
}

/** Opens a sealed value; a value that is not sealed comes back as it is. Throws when it was tampered with. */
export function unseal(secrets: Secrets, value: string): string {
  if (!value.startsWith(SEALED_PREFIX)) return value;
  const raw = Buffer.from(value.slice(SEALED_PREFIX.length), "base64url");
  const decipher = createDecipheriv("aes-256-gcm", keyOf(secrets), raw.subarray(0, 12));
  decipher.setAuthTag(raw.subarray(12, 28));
  return Buffer.concat([decipher.update(raw.subarray(28)), decipher.final()]).toString("utf8");
}
