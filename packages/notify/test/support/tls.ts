import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface TestCertificate {
  key: string;
  cert: string;
}

/** The real hosts the providers call: the test certificate answers for them all, and for 127.0.0.1. */
const NAMES = ["localhost", "api.sandbox.push.apple.com", "oauth2.googleapis.com", "fcm.googleapis.com"];

let cached: TestCertificate | undefined;

/** A self-signed certificate made with the openssl CLI; clients trust it through `ca`. */
export function testCertificate(): TestCertificate {
  if (cached) return cached;
  const dir = mkdtempSync(join(tmpdir(), "omnara-cert-"));
  try {
    const san = [...NAMES.map((name) => `DNS:${name}`), "IP:127.0.0.1"].join(",");
    execFileSync(
      "openssl",
      [
        "req",
        "-x509",
        "-newkey",
        "ec",
        "-pkeyopt",
        "ec_paramgen_curve:prime256v1",
        "-nodes",
        "-days",
        "2",
        "-subj",
        "/CN=omnara test gateway",
        "-addext",
        `subjectAltName=${san}`,
        "-keyout",
        join(dir, "key.pem"),
        "-out",
        join(dir, "cert.pem"),
      ],
      { stdio: "ignore" },
    );
    cached = { key: readFileSync(join(dir, "key.pem"), "utf8"), cert: readFileSync(join(dir, "cert.pem"), "utf8") };
    return cached;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
