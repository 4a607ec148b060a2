import { useSuspenseQuery } from "@tanstack/react-query";
import { supabaseClient, supabaseSettings } from "../lib/supabase.ts";
import { AuthForm } from "./auth-form.tsx";
import { SupabaseAuthForm } from "./supabase-auth-form.tsx";

/** Local accounts unless the server says it uses Supabase Auth. */
export function SignInChoice({ mode }: { mode: "sign-in" | "sign-up" }) {
  const { data } = useSuspenseQuery({
    queryKey: ["auth-config"],
    queryFn: async () => {
      const settings = await supabaseSettings();
      return settings ? { settings, supabase: await supabaseClient() } : null;
    },
    staleTime: Number.POSITIVE_INFINITY,
  });
  if (!data?.supabase) return <AuthForm mode={mode} />;
  return <SupabaseAuthForm supabase={data.supabase} settings={data.settings} mode={mode} />;
}
