/** Ready-to-paste setup for each way an agent talks to Omnara, with the real key and URL. */
export interface Snippet {
  id: string;
  label: string;
  intro: string;
  blocks: { caption: string; language: string; code: string }[];
}

// The published CLI, always the newest; -y so a stdio MCP client's npx never stops at a prompt.
const OMNARA = "npx -y omnara@latest";

const json = (value: unknown): string => JSON.stringify(value, null, 2);

export function setupSnippets(server: string, apiKey: string): Snippet[] {
  const bearer = { Authorization: `Bearer ${apiKey}` };
  const stdioArgs = ["-y", "omnara@latest", "mcp", "--api-key", apiKey, "--base-url", server];
  return [
    {
      id: "claude-code",
      label: "Claude Code",
      intro:
        "Run Claude Code through the omnara CLI: every prompt, tool use and permission question shows up here, and your replies reach Claude. Needs only Node 20.",
      blocks: [
        {
          caption: "Sign this machine in (confirm the code it shows on this dashboard)",
          language: "bash",
          code: `${OMNARA} login --base-url ${server}`,
        },
        { caption: "Then start Claude Code as usual, through omnara", language: "bash", code: `${OMNARA} claude` },
        {
          caption: "Or only add Omnara's MCP tools to Claude Code (over HTTP, nothing to install)",
          language: "bash",
          code: `claude mcp add --transport http omnara ${server}/mcp --header "Authorization: Bearer ${apiKey}"`,
        },
      ],
    },
    {
      id: "cursor",
      label: "Cursor",
      intro: "Put this in ~/.cursor/mcp.json (or .cursor/mcp.json in a project).",
      blocks: [
        {
          caption: "mcp.json (streamable HTTP)",
          language: "json",
          code: json({ mcpServers: { omnara: { url: `${server}/mcp`, headers: bearer } } }),
        },
        {
          caption: "Or as a local process (stdio)",
          language: "json",
          code: json({ mcpServers: { omnara: { command: "npx", args: stdioArgs } } }),
        },
      ],
    },
    {
      id: "vscode",
      label: "VS Code",
      intro: "Copilot's agent mode: add the server from a terminal, or put it in .vscode/mcp.json.",
      blocks: [
        {
          caption: "Add it (streamable HTTP)",
          language: "bash",
          code: `code --add-mcp '${JSON.stringify({ name: "omnara", type: "http", url: `${server}/mcp`, headers: bearer })}'`,
        },
        {
          caption: "Or .vscode/mcp.json, as a local process (stdio)",
          language: "json",
          code: json({ servers: { omnara: { type: "stdio", command: "npx", args: stdioArgs } } }),
        },
      ],
    },
    {
      id: "windsurf",
      label: "Windsurf",
      intro: "Put this in ~/.codeium/windsurf/mcp_config.json, then refresh the MCP servers in Cascade.",
      blocks: [
        {
          caption: "mcp_config.json (streamable HTTP)",
          language: "json",
          code: json({ mcpServers: { omnara: { serverUrl: `${server}/mcp`, headers: bearer } } }),
        },
        {
          caption: "Or as a local process (stdio)",
          language: "json",
          code: json({ mcpServers: { omnara: { command: "npx", args: stdioArgs } } }),
        },
      ],
    },
    {
      id: "sdk",
      label: "TypeScript SDK",
      intro: "For your own agents and scripts: Node 20+, Bun, Deno or a browser; ESM or CommonJS.",
      blocks: [
        { caption: "Install", language: "bash", code: "npm install @omnara/sdk" },
        {
          caption: "agent.ts",
          language: "ts",
          code: `import { Omnara } from "@omnara/sdk";

const omnara = new Omnara({ apiKey: "${apiKey}", baseUrl: "${server}" });
const s = await omnara.session({ agentType: "my-agent" });
await s.log("Reading the repository");
const answer = await s.ask("Deploy?");`,
        },
      ],
    },
    {
      id: "curl",
      label: "REST (curl)",
      intro: "Any language that speaks HTTP. The first message with a new agent_instance_id starts an instance.",
      blocks: [
        {
          caption: "Send a step (the id is any UUID; node makes one where uuidgen is missing)",
          language: "bash",
          code: `ID=$(node -p "crypto.randomUUID()")
curl -X POST ${server}/api/v1/messages/agent \\
  -H "Authorization: Bearer ${apiKey}" \\
  -H "Content-Type: application/json" \\
  -d '{"agent_instance_id": "'"$ID"'", "agent_type": "my-agent", "content": "Hello from curl"}'`,
        },
      ],
    },
  ];
}
