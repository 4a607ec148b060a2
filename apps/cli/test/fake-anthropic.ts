import { once } from "node:events";
import http from "node:http";

/** A content block the fake model answers with. */
export type FakeBlock =
  | { type: "text"; text: string }
  | { type: "tool_use"; id: string; name: string; input: Record<string, unknown> };

/** One scripted model turn: its blocks, and why it stops. */
export interface FakeTurn {
  blocks: FakeBlock[];
  stop: "end_turn" | "tool_use";
  /**
   * Stream the turn slowly: each text block word by word over this many milliseconds, as a
   * long answer arrives from the real API (a turn to interrupt mid-way).
   */
  streamMs?: number;
}

export interface RecordedRequest {
  /** The request body as sent by Claude Code. */
  body: Record<string, unknown>;
  /** The conversation as JSON text, for "did the model see X" assertions. */
  messagesText: string;
}

/** The tool_result block Claude Code sent back for a tool use, as JSON text (or undefined). */
export function toolResult(request: RecordedRequest, toolUseId: string): string | undefined {
  const messages = request.body["messages"];
  if (!Array.isArray(messages)) return undefined;
  for (const message of messages) {
    const content: unknown = message && typeof message === "object" ? Reflect.get(message, "content") : undefined;
    if (!Array.isArray(content)) continue;
    const block: unknown = content.find(
      (b: unknown) =>
        b &&
        typeof b === "object" &&
        Reflect.get(b, "type") === "tool_result" &&
        Reflect.get(b, "tool_use_id") === toolUseId,
    );
    if (block) return JSON.stringify(block);
  }
  return undefined;
}

/**
 * A local stand-in for the Anthropic Messages API. Requests that carry tools are the main agent
 * loop: each gets the next scripted turn as a streamed (SSE) response, like the real API's
 * `stream: true` answer. Other requests (titles, summaries) get a short text. Tests wait for the
 * n-th main request with a deadline instead of sleeping.
 */
export class FakeAnthropic {
  readonly requests: RecordedRequest[] = [];
  /** Slow streams the client closed before their end (an interrupted turn). */
  hangUps = 0;
  #turns: FakeTurn[];
  #waiters: { count: number; resolve: () => void }[] = [];
  readonly #server: http.Server;

  private constructor(turns: FakeTurn[]) {
    this.#turns = [...turns];
    this.#server = http.createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on("data", (chunk: Buffer) => chunks.push(chunk));
      request.on("end", () => this.#answer(request.url ?? "", Buffer.concat(chunks).toString("utf8"), response));
    });
  }

  static async start(turns: FakeTurn[]): Promise<FakeAnthropic & AsyncDisposable> {
    const fake = new FakeAnthropic(turns);
    fake.#server.listen(0, "127.0.0.1");
    await once(fake.#server, "listening");
    return Object.assign(fake, { [Symbol.asyncDispose]: () => fake.close() });
  }

  get url(): string {
    const address = this.#server.address();
    if (!address || typeof address === "string") throw new Error("fake API: not listening");
    return `http://127.0.0.1:${address.port}`;
  }

  /**
   * Resolves with the n-th (1-based) main-loop request once it has arrived. The deadline is
   * generous: the request waits on Claude Code (and often a hook) on possibly loaded cores.
   */
  async mainRequest(n: number, timeoutMs = 90_000): Promise<RecordedRequest> {
    if (this.requests.length < n) {
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `fake API: main request ${n} did not come within ${timeoutMs} ms (got ${this.requests.length})`,
              ),
            ),
          timeoutMs,
        );
        this.#waiters.push({
          count: n,
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
    const request = this.requests[n - 1];
    if (!request) throw new Error(`fake API: no request ${n}`);
    return request;
  }

  /** Appends turns to the script (for a session started after another one's requests are over). */
  add(...turns: FakeTurn[]): void {
    this.#turns.push(...turns);
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.#server.closeAllConnections();
      this.#server.close(() => resolve());
    });
  }

  #answer(url: string, raw: string, response: http.ServerResponse): void {
    let body: Record<string, unknown> = {};
    try {
      const parsed: unknown = JSON.parse(raw);
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
        body = Object.fromEntries(Object.entries(parsed));
    } catch {
      // Not JSON (a connectivity probe): answered below like any side request.
    }
    if (!url.startsWith("/v1/messages")) {
      response.writeHead(200, { "content-type": "application/json" }).end("{}");
      return;
    }
    const tools = body["tools"];
    const isMain = Array.isArray(tools) && tools.length > 0;
    if (!isMain) {
      this.#respond(response, body["stream"] === true, { blocks: [{ type: "text", text: "ok" }], stop: "end_turn" });
      return;
    }
    this.requests.push({ body, messagesText: JSON.stringify(body["messages"] ?? []) });
    const turn = this.#turns.shift() ?? {
      blocks: [{ type: "text", text: "(the script has no more turns)" }],
      stop: "end_turn",
    };
    this.#respond(response, true, turn);
    for (const waiter of this.#waiters.filter((w) => w.count <= this.requests.length)) waiter.resolve();
    this.#waiters = this.#waiters.filter((w) => w.count > this.requests.length);
  }

  #respond(response: http.ServerResponse, stream: boolean, turn: FakeTurn): void {
    const message = {
      id: `msg_${Date.now()}`,
      type: "message",
      role: "assistant",
      model: "claude-sonnet-4-5",
      stop_sequence: null,
    };
    if (!stream) {
      response.writeHead(200, { "content-type": "application/json" });
      response.end(
        JSON.stringify({
          ...message,
          content: turn.blocks,
          stop_reason: turn.stop,
          usage: { input_tokens: 10, output_tokens: 5 },
        }),
      );
      return;
    }
    response.writeHead(200, { "content-type": "text/event-stream", "cache-control": "no-cache" });
    const send = (type: string, data: Record<string, unknown>) =>
      response.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
    send("message_start", {
      message: { ...message, content: [], stop_reason: null, usage: { input_tokens: 10, output_tokens: 1 } },
    });
    if (turn.streamMs !== undefined) {
      void this.#streamSlowly(response, send, turn);
      return;
    }
    turn.blocks.forEach((block, index) => {
      if (block.type === "text") {
        send("content_block_start", { index, content_block: { type: "text", text: "" } });
        send("content_block_delta", { index, delta: { type: "text_delta", text: block.text } });
      } else {
        send("content_block_start", {
          index,
          content_block: { type: "tool_use", id: block.id, name: block.name, input: {} },
        });
        send("content_block_delta", {
          index,
          delta: { type: "input_json_delta", partial_json: JSON.stringify(block.input) },
        });
      }
      send("content_block_stop", { index });
    });
    send("message_delta", { delta: { stop_reason: turn.stop, stop_sequence: null }, usage: { output_tokens: 5 } });
    send("message_stop", {});
    response.end();
  }

  /** The blocks word by word, spread over `turn.streamMs`; stops when Claude Code hangs up (an interrupt). */
  async #streamSlowly(
    response: http.ServerResponse,
    send: (type: string, data: Record<string, unknown>) => void,
    turn: FakeTurn,
  ): Promise<void> {
    const words = turn.blocks.flatMap((block) => (block.type === "text" ? block.text.split(/(?<= )/) : []));
    const pauseMs = (turn.streamMs ?? 0) / Math.max(1, words.length);
    let closed = false;
    response.on("close", () => {
      closed = true;
      if (!response.writableFinished) this.hangUps += 1;
    });
    for (const [index, block] of turn.blocks.entries()) {
      if (block.type !== "text") continue;
      send("content_block_start", { index, content_block: { type: "text", text: "" } });
      for (const word of block.text.split(/(?<= )/)) {
        await new Promise((resolve) => setTimeout(resolve, pauseMs));
        if (closed) return;
        send("content_block_delta", { index, delta: { type: "text_delta", text: word } });
      }
      send("content_block_stop", { index });
    }
    send("message_delta", { delta: { stop_reason: turn.stop, stop_sequence: null }, usage: { output_tokens: 5 } });
    send("message_stop", {});
    response.end();
  }
}
