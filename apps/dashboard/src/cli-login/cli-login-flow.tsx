import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { CircleCheck, Clock, SearchX, ShieldX } from "lucide-react";
import { Link } from "react-router";
import { ErrorState } from "../components/states.tsx";
import { errorCode, errorMessage, useTRPC } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";
import { CodeForm } from "./code-form.tsx";
import { Outcome } from "./outcome.tsx";
import { RequestPanel } from "./request-panel.tsx";

/** One sign-in, from looking its code up to the user's decision. */
export function CliLoginFlow({ code, onCode }: { code: string; onCode: (code: string) => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  // Each second: the expiry is a countdown the user reads while switching to the terminal.
  const now = useNow(1_000);
  const input = { user_code: code };
  const described = useQuery(trpc.describeCliLogin.queryOptions(input, { staleTime: 0 }));
  const me = useQuery(trpc.me.queryOptions({}));
  const confirm = useMutation(
    trpc.confirmCliLogin.mutationOptions({
      onSuccess: (login) => queryClient.setQueryData(trpc.describeCliLogin.queryKey(input), login),
      // Decided in another tab, or expired meanwhile: show what it is now.
      onError: () => void described.refetch(),
    }),
  );

  if (described.isPending) {
    return (
      <output className="cli-loading">
        <span className="spinner" aria-hidden="true" />
        Looking up the code…
      </output>
    );
  }
  if (described.error) {
    const code = errorCode(described.error);
    if (code === "BAD_REQUEST")
      return <CodeForm key="bad" initial={input.user_code} error={errorMessage(described.error)} onCode={onCode} />;
    if (code !== "NOT_FOUND") return <ErrorState error={described.error} retry={() => void described.refetch()} />;
    return (
      <Outcome tone="unknown" icon={<SearchX />} title="Unknown code">
        <p className="muted">{errorMessage(described.error)}</p>
        <CodeForm key="unknown" onCode={onCode} />
      </Outcome>
    );
  }

  const login = described.data;
  const status = login.status === "pending" && Date.parse(login.expires_at) <= now ? "expired" : login.status;
  if (status === "approved") {
    return (
      <Outcome tone="approved" icon={<CircleCheck />} title="CLI signed in">
        <p className="muted">
          The terminal on <strong>{login.client_name}</strong> is signed in now. Go back to it; you can close this tab.
        </p>
        <div className="cli-actions">
          <Link className="btn" to="/api-keys">
            Manage API keys
          </Link>
          <Link className="btn btn-primary" to="/">
            Open the dashboard
          </Link>
        </div>
      </Outcome>
    );
  }
  if (status === "denied") {
    return (
      <Outcome tone="denied" icon={<ShieldX />} title="Sign-in denied">
        <p className="muted">
          The terminal on <strong>{login.client_name}</strong> got no key and stops waiting. If it was you after all,
          run <code>omnara login</code> again.
        </p>
        <Link className="btn btn-block" to="/">
          Open the dashboard
        </Link>
      </Outcome>
    );
  }
  if (status === "expired") {
    return (
      <Outcome tone="expired" icon={<Clock />} title="This code has expired">
        <p className="muted">
          Codes last ten minutes. Run <code>omnara login</code> again and enter the new code here.
        </p>
        <CodeForm key="expired" onCode={onCode} />
      </Outcome>
    );
  }
  const deciding = confirm.isPending ? (confirm.variables.approve === false ? "deny" : "approve") : undefined;
  return (
    <>
      <RequestPanel
        login={login}
        now={now}
        email={me.data?.email}
        busy={deciding}
        onDecide={(approve) => confirm.mutate({ ...input, approve })}
      />
      {confirm.error ? (
        <p className="form-error" role="alert">
          {errorMessage(confirm.error)}
        </p>
      ) : null}
    </>
  );
}
