import { createSecureServer, type Http2SecureServer, type IncomingHttpHeaders } from "node:http2";
import type { AddressInfo } from "node:net";
import { Inbox } from "./inbox.ts";
import { testCertificate } from "./tls.ts";

export interface ApnsRequest {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** Apple's HTTP/2 gateway, locally: answers 200 unless `respond` says otherwise (e.g. 410 Unregistered). */
export class ApnsGateway implements AsyncDisposable {
  readonly inbox = new Inbox<ApnsRequest>();
  respond: (request: ApnsRequest) => { status: number; reason?: string } = () => ({ status: 200 });
  #server: Http2SecureServer;
  port = 0;

  private constructor(server: Http2SecureServer) {
    this.#server = server;
  }

  static async start(): Promise<ApnsGateway> {
    const { key, cert } = testCertificate();
    const server = createSecureServer({ key, cert });
    const gateway = new ApnsGateway(server);
    server.on("stream", (stream, headers) => {
      const chunks: Buffer[] = [];
      stream.on("data", (chunk: Buffer) => chunks.push(chunk));
      stream.on("end", () => {
        const request = { path: String(headers[":path"]), headers, body: Buffer.concat(chunks).toString("utf8") };
        const answer = gateway.respond(request);
        stream.respond({ ":status": answer.status, "apns-id": "00000000-0000-4000-8000-000000000001" });
        stream.end(answer.reason ? JSON.stringify({ reason: answer.reason, timestamp: Date.now() }) : undefined);
        gateway.inbox.push(request);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    gateway.port = (server.address() as AddressInfo).port;
    return gateway;
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
  }
}
