import { createDecipheriv, createECDH, createPublicKey, hkdfSync, randomBytes, verify } from "node:crypto";
import { Agent, createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { Inbox } from "./inbox.ts";
import { testCertificate } from "./tls.ts";

/** A browser's side of a Web Push subscription: its ECDH key pair and auth secret (RFC 8291). */
export interface Browser {
  subscription: { endpoint: string; keys: { p256dh: string; auth: string } };
  decrypt(body: Buffer): string;
}

export interface PushReceipt {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

/**
 * A push service (what FCM, Mozilla or Apple run for browsers) on a local HTTPS port. Each
 * request is answered by `respond` (201 unless told), and recorded in `inbox`.
 */
export class PushService implements AsyncDisposable {
  readonly inbox = new Inbox<PushReceipt>();
  respond: (receipt: PushReceipt) => number = () => 201;
  readonly agent: Agent;
  #server: Server;
  #port = 0;

  private constructor(server: Server) {
    this.#server = server;
    this.agent = new Agent({ ca: testCertificate().cert });
  }

  static async start(): Promise<PushService> {
    const { key, cert } = testCertificate();
    let service: PushService | undefined;
    const server = createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const receipt = { path: req.url ?? "", headers: req.headers, body: Buffer.concat(chunks) };
        const status = service?.respond(receipt) ?? 500;
        res.writeHead(status).end(status === 410 ? "push subscription has unsubscribed or expired." : "");
        service?.inbox.push(receipt);
      });
    });
    service = new PushService(server);
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    service.#port = (server.address() as AddressInfo).port;
    return service;
  }

  /** A new browser subscribed at this service. */
  browser(name: string): Browser {
    const ecdh = createECDH("prime256v1");
    const publicKey = ecdh.generateKeys();
    const auth = randomBytes(16);
    return {
      subscription: {
        endpoint: `https://127.0.0.1:${this.#port}/push/${name}`,
        keys: { p256dh: publicKey.toString("base64url"), auth: auth.toString("base64url") },
      },
      decrypt: (body) => decryptAes128gcm(body, ecdh.getPrivateKey(), publicKey, auth),
    };
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.agent.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** RFC 8188 content coding with RFC 8291 keys: what the browser does with a push message. */
export function decryptAes128gcm(body: Buffer, privateKey: Buffer, publicKey: Buffer, auth: Buffer): string {
  const salt = body.subarray(0, 16);
  const idLength = body.readUInt8(20);
  const senderKey = body.subarray(21, 21 + idLength);
  const ciphertext = body.subarray(21 + idLength);
  const ecdh = createECDH("prime256v1");
  ecdh.setPrivateKey(privateKey);
  const shared = ecdh.computeSecret(senderKey);
  const keyInfo = Buffer.concat([Buffer.from("WebPush: info\0"), publicKey, senderKey]);
  const ikm = Buffer.from(hkdfSync("sha256", shared, auth, keyInfo, 32));
  const cek = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: aes128gcm\0"), 16));
  const nonce = Buffer.from(hkdfSync("sha256", ikm, salt, Buffer.from("Content-Encoding: nonce\0"), 12));
  const decipher = createDecipheriv("aes-128-gcm", cek, nonce);
  decipher.setAuthTag(ciphertext.subarray(ciphertext.length - 16));
  const padded = Buffer.concat([decipher.update(ciphertext.subarray(0, ciphertext.length - 16)), decipher.final()]);
  // The last record ends with the delimiter 0x02, then zero padding.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end -= 1;
  if (padded[end] !== 2) throw new Error("missing last-record delimiter");
  return padded.subarray(0, end).toString("utf8");
}

/** Checks the VAPID header (RFC 8292): an ES256 JWT for this origin signed by the key in k=. */
export function verifyVapid(
  authorization: string | undefined,
  audience: string,
): { subject: string; publicKey: string } {
  const match = authorization?.match(/^vapid t=([^,]+),\s*k=(.+)$/);
  if (!match?.[1] || !match[2]) throw new Error(`not a VAPID authorization: ${authorization}`);
  const [header, payload, signature] = match[1].split(".");
  if (!header || !payload || !signature) throw new Error("malformed JWT");
  const point = Buffer.from(match[2], "base64url");
  const key = createPublicKey({
    key: {
      kty: "EC",
      crv: "P-256",
      x: point.subarray(1, 33).toString("base64url"),
      y: point.subarray(33).toString("base64url"),
    },
    format: "jwk",
  });
  const valid = verify(
    "sha256",
    Buffer.from(`${header}.${payload}`),
    { key, dsaEncoding: "ieee-p1363" },
    Buffer.from(signature, "base64url"),
  );
  if (!valid) throw new Error("VAPID signature does not verify");
  const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  if (typeof claims !== "object" || claims === null || !("aud" in claims) || claims.aud !== audience) {
    throw new Error(`VAPID audience is not ${audience}`);
  }
  const subject = "sub" in claims && typeof claims.sub === "string" ? claims.sub : "";
  return { subject, publicKey: match[2] };
}
