#!/usr/bin/env node
// Claude Code runs this for each hook event of an `omnara claude` session. It stays plain
// JavaScript (no tsx, no imports beyond node:) because it runs on every tool call: it forwards the
// event to the `omnara claude` process over its local socket and replays the answer (stdout,
// stderr, exit code). When that process is gone it does nothing, so Claude Code is never blocked.
import http from "node:http";

const event = process.argv[2] ?? "";
const socketPath = process.env.OMNARA_HOOK_SOCKET;

const readStdin = () =>
  new Promise((resolve) => {
    const chunks = [];
    process.stdin.on("data", (chunk) => chunks.push(chunk));
    process.stdin.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    process.stdin.on("error", () => resolve(""));
  });

const input = await readStdin();
if (!socketPath) process.exit(0);

const request = http.request(
  {
    socketPath,
    method: "POST",
    path: `/hook/${encodeURIComponent(event)}`,
    headers: { "content-type": "application/json" },
  },
  (response) => {
    const chunks = [];
    response.on("data", (chunk) => chunks.push(chunk));
    response.on("end", () => {
      let answer = {};
      try {
        answer = JSON.parse(Buffer.concat(chunks).toString("utf8"));
      } catch {
        process.exit(0);
      }
      if (typeof answer.stdout === "string") process.stdout.write(answer.stdout);
      if (typeof answer.stderr === "string") process.stderr.write(answer.stderr);
      process.exitCode = typeof answer.exitCode === "number" ? answer.exitCode : 0;
    });
  },
);
request.on("error", () => process.exit(0));
request.end(input);
