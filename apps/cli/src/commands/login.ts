import { hostname } from "node:os";
import { resolveBaseUrl, type ServerOptions } from "../agent-auth.ts";
import { CliError } from "../cli-error.ts";
import { credentialsPath, writeCredentials } from "../credentials.ts";
import type { CliEnv } from "../env.ts";
import { printJson, say } from "../output.ts";
import { publicApi } from "../public-api.ts";

export interface LoginOptions extends ServerOptions {
  json?: boolean;
  /** How this machine is named on the new key; default the host name. */
  name?: string;
}

/**
 * Device-code sign-in: show a short code and a URL, wait (server push) until the signed-in user
 * confirms it in the dashboard, store the key. Nothing connects back to this machine, so it
 * works over SSH too.
 */
export async function login(options: LoginOptions, env: CliEnv): Promise<number> {
  const baseUrl = resolveBaseUrl(options, env);
  const signedIn = await deviceCodeLogin(baseUrl, options.name, "agent");
  writeCredentials({ apiKey: signedIn.apiKey, baseUrl, email: signedIn.email, keyName: signedIn.keyName });
  if (options.json) {
    printJson({
      status: "signed_in",
      email: signedIn.email,
      key_name: signedIn.keyName,
      base_url: baseUrl,
      credentials_path: credentialsPath(),
    });
  } else {
    say(`Signed in as ${signedIn.email ?? "you"}; the key "${signedIn.keyName}" is saved in ${credentialsPath()}.`);
  }
  return 0;
}

export interface SignedIn {
  apiKey: string;
  email: string | null;
  keyName: string | null;
}

/**
 * The device-code exchange itself, for `omnara login` (an agent key) and `omnara daemon login`
 * (a machine key): prints the code and the page, waits for the decision, returns the new key.
 */
export async function deviceCodeLogin(
  baseUrl: string,
  name: string | undefined,
  kind: "agent" | "machine",
): Promise<SignedIn> {
  const api = publicApi(baseUrl);
  const again = kind === "machine" ? "Run `omnara daemon login` again." : "Run `omnara login` again.";
  const clientName = (name ?? hostname()).slice(0, 200) || "a command-line tool";
  const started = await api.startCliLogin({ client_name: clientName, kind });
  const url = `${baseUrl}${started.verification_path}`;
  say(`To sign in, open ${url}`);
  say(
    `and confirm the code ${started.user_code}  (it expires at ${new Date(started.expires_at).toLocaleTimeString()}).`,
  );
  say("Waiting for confirmation…");

  const aborter = new AbortController();
  const onSignal = () => aborter.abort();
  process.once("SIGINT", onSignal);
  try {
    for (;;) {
      const polled = await api.pollCliLogin({ device_code: started.device_code, timeout_seconds: 50 }, aborter.signal);
      if (polled.status === "pending") continue;
      if (polled.status === "denied") throw new CliError("LOGIN_DENIED", "The sign-in was denied in the dashboard.");
      if (polled.status === "expired" || !polled.api_key) {
        throw new CliError("LOGIN_EXPIRED", "The code expired before it was confirmed.", again);
      }
      return { apiKey: polled.api_key, email: polled.email, keyName: polled.key_name };
    }
  } finally {
    process.off("SIGINT", onSignal);
  }
}
