import { randomUUID } from "node:crypto";
import { newUserWithKey, rest } from "@omnara/testing";
import type { World } from "./seed-input.ts";
import { type McpSession, openMcpSession } from "./surfaces.ts";

const PASSWORD = "correct horse battery";

/**
 * The fuzzing account and the ids its probes aim at. An accepted probe may sign it out,
 * complete or delete its instance: `refresh` puts back whatever such a probe took away.
 */
export class FuzzAccount {
  private readonly base: string;
  readonly email: string;
  sessionToken: string;
  apiKey: string;
  world: World;
  mcp: McpSession;

  private constructor(
    init: Pick<FuzzAccount, "email" | "sessionToken" | "apiKey" | "world" | "mcp"> & { base: string },
  ) {
    this.base = init.base;
    this.email = init.email;
    this.sessionToken = init.sessionToken;
    this.apiKey = init.apiKey;
    this.world = init.world;
    this.mcp = init.mcp;
  }

  static async create(base: string): Promise<FuzzAccount> {
    const user = await newUserWithKey(base, "fuzz");
    const world = await FuzzAccount.newInstance(base, user.apiKey);
    const mcp = await openMcpSession(base, user.apiKey);
    return new FuzzAccount({
      base,
      email: user.email,
      sessionToken: user.sessionToken,
      apiKey: user.apiKey,
      world,
      mcp,
    });
  }

  private static async newInstance(base: string, apiKey: string): Promise<World> {
    const instanceId = randomUUID();
    const sent = await rest(base, "POST", "/api/v1/messages/agent", {
      token: apiKey,
      body: { agent_instance_id: instanceId, agent_type: "fuzz", content: "Which way?", requires_user_input: true },
    });
    if (sent.status !== 200) throw new Error(`could not create the fuzz instance: ${sent.status}`);
    return { instanceId, messageId: String(sent.body["message_id"]) };
  }

  tokenFor(audience: "agent" | "user" | "public"): string | undefined {
    return audience === "agent" ? this.apiKey : audience === "user" ? this.sessionToken : undefined;
  }

  async refresh(): Promise<void> {
    const [me, key, instance] = await Promise.all([
      rest(this.base, "GET", "/api/v1/auth/me", { token: this.sessionToken }),
      rest(this.base, "GET", "/api/v1/auth/verify", { token: this.apiKey }),
      rest(this.base, "GET", `/api/v1/agent-instances/${this.world.instanceId}`, { token: this.sessionToken }),
    ]);
    if (me.status === 401) {
      const login = await rest(this.base, "POST", "/api/v1/auth/login", {
        body: { email: this.email, password: PASSWORD },
      });
      this.sessionToken = String(login.body["token"]);
    }
    if (key.status === 401) {
      const created = await rest(this.base, "POST", "/api/v1/auth/api-keys", {
        token: this.sessionToken,
        body: { name: "fuzz again" },
      });
      this.apiKey = String(created.body["api_key"]);
      this.mcp = await openMcpSession(this.base, this.apiKey);
    }
    if (me.status === 401 || instance.status !== 200 || instance.body["status"] !== "AWAITING_INPUT") {
      this.world = await FuzzAccount.newInstance(this.base, this.apiKey);
    }
  }

  async reopenMcp(): Promise<void> {
    this.mcp = await openMcpSession(this.base, this.apiKey);
  }
}
