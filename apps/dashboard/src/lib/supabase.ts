import type { SupabaseClient } from "@supabase/supabase-js";
import { session } from "./session.ts";
import { publicClient } from "./trpc.ts";

export interface SupabaseSettings {
  url: string;
  anon_key: string;
}

/** Where supabase-js keeps its session in localStorage. */
const STORAGE_KEY = "omnara.supabase";

let settings: Promise<SupabaseSettings | null> | undefined;
let client: Promise<SupabaseClient | null> | undefined;

/** Whether this server signs web users in through Supabase (asked once per page load). */
export const supabaseSettings = (): Promise<SupabaseSettings | null> => {
  settings ??= publicClient.authConfig.query({}).then((config) => config.supabase);
  return settings;
};

/**
 * supabase-js, loaded only when the server uses Supabase. Its session's access token is our
 * bearer: every sign-in, refresh and sign-out it reports is mirrored into `session`, and a
 * sign-out here (or the server refusing the token) signs supabase-js out too.
 */
export const supabaseClient = (): Promise<SupabaseClient | null> => {
  client ??= supabaseSettings().then(async (found) => {
    if (!found) return null;
    const { createClient } = await import("@supabase/supabase-js");
    const supabase = createClient(found.url, found.anon_key, {
      auth: {
        flowType: "implicit",
        detectSessionInUrl: true,
        persistSession: true,
        autoRefreshToken: true,
        storageKey: STORAGE_KEY,
      },
    });
    supabase.auth.onAuthStateChange((event, current) => {
      if (current && current.access_token !== session.get()) session.set(current.access_token);
      if (event === "SIGNED_OUT" && session.get()) session.clear();
    });
    session.subscribe(() => {
      if (session.get()) return;
      // supabase-js signs out asynchronously (behind its storage lock); a reload before it is done
      // would read the stored session back and sign the user in again, so it goes from storage now.
      localStorage.removeItem(STORAGE_KEY);
      void supabase.auth.signOut({ scope: "local" });
    });
    return supabase;
  });
  return client;
};

/** Whether a bearer is a Supabase access token (one with a `session_id`; ours have none). */
export function isSupabaseToken(token: string | null): boolean {
  const payload = token?.split(".")[1];
  if (!payload) return false;
  try {
    const claims: unknown = JSON.parse(atob(payload.replace(/-/g, "+").replace(/_/g, "/")));
    return typeof claims === "object" && claims !== null && "session_id" in claims;
  } catch {
    return false;
  }
}

/** The OAuth providers the Supabase project has turned on (its Auth settings' `external`). */
export async function enabledProviders(found: SupabaseSettings): Promise<string[]> {
  const response = await fetch(`${found.url}/auth/v1/settings`, { headers: { apikey: found.anon_key } });
  if (!response.ok) return [];
  const body: unknown = await response.json();
  if (typeof body !== "object" || body === null || !("external" in body)) return [];
  const external = body.external;
  if (typeof external !== "object" || external === null) return [];
  return Object.entries(external)
    .filter(([name, on]) => on === true && !["email", "phone", "anonymous_users"].includes(name))
    .map(([name]) => name)
    .sort();
}
