/** Ready-to-paste setup for each way an agent talks to Omnara, with the real key and URL. */
export interface Snippet {
  id: string;
  label: string;
  intro: string;
  blocks: { caption: string; language: string; code: string }[];
}

export function setupSnippets(server: string, apiKey: string): Snippet[] {
  return [
    {
      id: "claude-code",
      label: "Claude Code",
      intro: "Add Omnara as an MCP server; Claude Code then reports its steps and asks you its questions here.",
      blocks: [
        {
          caption: "Over HTTP (nothing to install)",
          language: "bash",
          code: `claude mcp add --transport http omnara ${server}/mcp --header "Authorization: Bearer ${apiKey}"`,
        },
        {
          caption: "Or over stdio, through the omnara CLI",
          language: "bash",
          code: `claude mcp add omnara -- npx omnara mcp --api-key ${apiKey} --base-url ${server}`,
        },
      ],
    },
    {
      id: "cursor",
      label: "Cursor",
      intro: "Put this in ~/.cursor/mcp.json (or .cursor/mcp.json in a project).",
      blocks: [
        {
          caption: "mcp.json",
          language: "json",
          code: JSON.stringify(
            { mcpServers: { omnara: { url: `${server}/mcp`, headers: { Authorization: `Bearer ${apiKey}` } } } },
            null,
            2,
          ),
        },
        {
          caption: "Or over stdio (any MCP client)",
          language: "bash",
          code: `npx omnara mcp --api-key ${apiKey} --base-url ${server}`,
        },
      ],
    },
    {
      id: "sdk",
      label: "TypeScript SDK",
      intro: "For your own agents and scripts.",
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
          caption: "Send a step",
          language: "bash",
          code: `curl -X POST ${server}/api/v1/messages/agent \\
  -H "Authorization: Bearer ${apiKey}" \\
  -H "Content-Type: application/json" \\
  -d '{"agent_instance_id": "'"$(uuidgen)"'", "agent_type": "my-agent", "content": "Hello from curl"}'`,
        },
      ],
    },
  ];
}
