import { credentialsPath, removeCredentials } from "../credentials.ts";
import { printJson, say } from "../output.ts";

/** Forgets the stored key. The key itself stays valid until revoked in the dashboard. */
export function logout(options: { json?: boolean }): number {
  const removed = removeCredentials();
  if (options.json) {
    printJson({ removed, credentials_path: credentialsPath() });
  } else if (removed) {
    say(
      `Signed out: removed ${credentialsPath()}. To disable the key everywhere, revoke it in the dashboard (Settings → API keys).`,
    );
  } else {
    say("Not signed in: there were no stored credentials.");
  }
  return 0;
}
