import { useQueryClient } from "@tanstack/react-query";
import { useSearchParams } from "react-router";
import { CliLoginFlow } from "../cli-login/cli-login-flow.tsx";
import { CodeForm } from "../cli-login/code-form.tsx";
import { BrandMark } from "../components/brand.tsx";
import { session } from "../lib/session.ts";
import "../styles/cli-login.css";

/**
 * `omnara login` prints `/cli-login?code=XXXX-XXXX`; a signed-out visitor comes back here after
 * signing in (the route guard keeps the code in `?next=`).
 */
export default function CliLogin() {
  const queryClient = useQueryClient();
  const [params, setParams] = useSearchParams();
  const code = params.get("code")?.trim() ?? "";
  const openCode = (next: string) => setParams({ code: next });
  // On a shared computer the wrong person may be signed in: sign out, keeping the way back here.
  const switchAccount = () => {
    queryClient.clear();
    session.clear();
  };

  return (
    <main className="auth">
      <div className="card auth-card cli-login">
        <div className="brand">
          <BrandMark />
          <span>Omnara</span>
        </div>
        {code ? (
          <CliLoginFlow key={code} code={code} onCode={openCode} />
        ) : (
          <>
            <div>
              <h1>Sign in the Omnara CLI</h1>
              <p className="muted">
                Enter the code your terminal shows after <code>omnara login</code>.
              </p>
            </div>
            <CodeForm onCode={openCode} />
          </>
        )}
        <p className="subtle cli-switch">
          Not your account?{" "}
          <button type="button" className="link-button" onClick={switchAccount}>
            Use another one
          </button>
        </p>
      </div>
    </main>
  );
}
