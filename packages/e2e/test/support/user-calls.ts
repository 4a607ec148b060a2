import type { Operation } from "@omnara/contracts";
import { LIVE_WITHIN_MS } from "@omnara/testing";

/**
 * How long a subscription may take to show it started (its first event) or was refused: room for
 * a loaded CI machine, where many streams open at once.
 */
const STREAM_DEADLINE_MS = 2 * LIVE_WITHIN_MS;

const errorCode = (body: unknown): string => {
  const text = JSON.stringify(body);
  return /"code":"([A-Z_]+)"/.exec(text)?.[1] ?? `unreadable error ${text.slice(0, 200)}`;
};

/** Reads an SSE response until its first data event: "ok" for a started stream, else the error's code. */
async function firstStreamEvent(response: Response): Promise<string> {
  const reader = response.body?.getReader();
  if (!reader) return "no body";
  const decoder = new TextDecoder();
  let text = "";
  const deadline = setTimeout(() => reader.cancel(), STREAM_DEADLINE_MS);
  try {
    for (;;) {
      const chunk = await reader.read();
      if (chunk.done) return `stream ended: ${text.slice(0, 200)}`;
      text += decoder.decode(chunk.value, { stream: true });
      if (text.includes("event: serialized-error")) {
        const data = /event: serialized-error\ndata: (.*)\n/.exec(text)?.[1];
        if (data) return errorCode(JSON.parse(data));
      }
      if (text.includes('"connected"')) return "ok";
    }
  } finally {
    clearTimeout(deadline);
    await reader.cancel().catch(() => {});
  }
}

/**
 * Calls a user operation over tRPC's HTTP wire as the dashboard does: "ok" when it succeeded,
 * else its error code (NOT_FOUND, FORBIDDEN, …).
 */
export async function callUserOperation(url: string, token: string, op: Operation, input: unknown): Promise<string> {
  const path = `${url}/api/trpc/user/${op.id}`;
  const headers = { authorization: `Bearer ${token}` };
  const query = `?input=${encodeURIComponent(JSON.stringify(input))}`;
  if (op.kind === "subscription") {
    const response = await fetch(path + query, { headers: { ...headers, accept: "text/event-stream" } });
    if (!response.ok) return errorCode(await response.json());
    return firstStreamEvent(response);
  }
  const response =
    op.kind === "query"
      ? await fetch(path + query, { headers })
      : await fetch(path, {
          method: "POST",
          headers: { ...headers, "content-type": "application/json" },
          body: JSON.stringify(input),
        });
  if (response.ok) return "ok";
  return errorCode(await response.json());
}
