import { createPublicKey, verify } from "node:crypto";
import { Agent, createServer, type RequestOptions, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { connect } from "node:tls";
import { Inbox } from "./inbox.ts";
import { testCertificate } from "./tls.ts";

export interface GoogleRequest {
  host: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/**
 * Sends every HTTPS connection to one local port whatever the host, keeping the real host name
 * for TLS (SNI and certificate check) and the Host header: the library under test still builds
 * its requests for oauth2.googleapis.com and fcm.googleapis.com; only the socket is redirected.
 */
export class RedirectAgent extends Agent {
  constructor(
    private readonly port: number,
    private readonly trusted: string,
  ) {
    super({ keepAlive: false });
  }

  override createConnection(options: RequestOptions): Duplex {
    const servername = options.servername ?? options.hostname ?? options.host ?? "localhost";
    return connect({ host: "127.0.0.1", port: this.port, servername, ca: this.trusted, ALPNProtocols: ["http/1.1"] });
  }
}

/** Google's OAuth token endpoint and the FCM v1 send endpoint, on one local HTTPS server. */
export class FakeGoogle implements AsyncDisposable {
  readonly inbox = new Inbox<GoogleRequest>();
  /** FCM's answer to a send: 200 unless the test says otherwise. */
  respondToSend: (request: GoogleRequest) => { status: number; body: unknown } = () => ({
    status: 200,
    body: { name: "projects/omnara-test/messages/0:1" },
  });
  agent: RedirectAgent;
  #server: Server;

  private constructor(server: Server, port: number) {
    this.#server = server;
    this.agent = new RedirectAgent(port, testCertificate().cert);
  }

  static async start(serviceAccountPublicKey: string): Promise<FakeGoogle> {
    const { key, cert } = testCertificate();
    let google: FakeGoogle | undefined;
    const server = createServer({ key, cert }, (req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (chunk: Buffer) => chunks.push(chunk));
      req.on("end", () => {
        const request = {
          host: String(req.headers.host),
          path: req.url ?? "",
          headers: req.headers,
          body: Buffer.concat(chunks).toString("utf8"),
        };
        const answer =
          request.path === "/token"
            ? tokenAnswer(request, serviceAccountPublicKey)
            : (google?.respondToSend(request) ?? { status: 500, body: {} });
        res.writeHead(answer.status, { "content-type": "application/json" }).end(JSON.stringify(answer.body));
        google?.inbox.push(request);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    google = new FakeGoogle(server, (server.address() as AddressInfo).port);
    return google;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    this.agent.destroy();
    this.#server.closeAllConnections();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}

/** A JWT-bearer grant signed (RS256) by the service account's key earns an access token. */
function tokenAnswer(request: GoogleRequest, publicKey: string): { status: number; body: unknown } {
  const assertion = new URLSearchParams(request.body).get("assertion") ?? "";
  const [header = "", claims = "", signature = ""] = assertion.split(".");
  const signed = verify(
    "sha256",
    Buffer.from(`${header}.${claims}`),
    createPublicKey(publicKey),
    Buffer.from(signature, "base64url"),
  );
  if (!signed) return { status: 400, body: { error: "invalid_grant" } };
  return { status: 200, body: { access_token: "ya29.test-access-token", expires_in: 3600, token_type: "Bearer" } };
}

export const unregistered = {
  status: 404,
  body: {
    error: {
      code: 404,
      message: "Requested entity was not found.",
      status: "NOT_FOUND",
      details: [{ "@type": "type.googleapis.com/google.firebase.fcm.v1.FcmError", errorCode: "UNREGISTERED" }],
    },
  },
};
