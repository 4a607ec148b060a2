import { rmSync } from "node:fs";
import http from "node:http";
import { type HookAnswer, type HookEvent, isHookEvent, proceed } from "./hook-input.ts";

export type HookHandler = (event: HookEvent, body: unknown, aborted: AbortSignal) => Promise<HookAnswer>;

const MAX_BODY = 8 * 1024 * 1024;

/**
 * The local end of the hooks: Claude Code runs bin/omnara-hook.js per event, which posts the
 * event here over a Unix socket only this user can open. Whatever goes wrong, the answer is
 * "proceed": Omnara must never break the user's Claude Code.
 */
export async function startHookServer(
  socketPath: string,
  handle: HookHandler,
  log: (line: string) => void,
): Promise<{ close(): Promise<void> }> {
  const server = http.createServer((request, response) => {
    const event = decodeURIComponent((request.url ?? "").replace(/^\/hook\//, ""));
    const chunks: Buffer[] = [];
    let size = 0;
    request.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY) chunks.push(chunk);
    });
    request.on("end", () => {
      // The hook process goes away when Claude Code stops waiting for it (say, the user
      // answered the permission dialog in the terminal): that aborts the work behind it.
      const aborter = new AbortController();
      response.on("close", () => {
        if (!response.writableFinished) aborter.abort();
      });
      const answer = async (): Promise<HookAnswer> => {
        if (!isHookEvent(event)) return proceed;
        let body: unknown;
        try {
          body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
        } catch {
          return proceed;
        }
        return handle(event, body, aborter.signal);
      };
      void answer()
        .catch((error: unknown) => {
          log(`${event} hook: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
          return proceed;
        })
        .then((result) => {
          if (response.destroyed) return;
          response.writeHead(200, { "content-type": "application/json" });
          response.end(JSON.stringify(result));
        });
    });
  });
  rmSync(socketPath, { force: true });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(socketPath, () => resolve());
  });
  return {
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
