import { resolveAgentAuth, type ServerOptions, verifyAuth } from "../agent-auth.ts";
import type { CliEnv } from "../env.ts";
import { printJson, say } from "../output.ts";

/** Checks the key against the server: which account, which server, where the key came from. */
export async function whoami(options: ServerOptions & { json?: boolean }, env: CliEnv): Promise<number> {
  const auth = resolveAgentAuth(options, env);
  const who = await verifyAuth(auth);
  if (options.json)
    printJson({ email: who.email, user_id: who.userId, base_url: auth.baseUrl, key_source: auth.source });
  else say(`${who.email} on ${auth.baseUrl} (key from ${auth.source})`);
  return 0;
}
