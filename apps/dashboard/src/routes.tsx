import { lazy } from "react";
import { createBrowserRouter, Navigate, Outlet, useLocation } from "react-router";
import { AppShell } from "./components/app-shell.tsx";
import { NotFound } from "./components/states.tsx";
import { useSessionToken } from "./lib/session.ts";
import { LiveProvider } from "./live/live-provider.tsx";

// One chunk per page: a phone on a slow network loads only what it shows.
const SignIn = lazy(() => import("./pages/sign-in.tsx"));
const SignUp = lazy(() => import("./pages/sign-up.tsx"));
const ResetPassword = lazy(() => import("./pages/reset-password.tsx"));
const Overview = lazy(() => import("./pages/overview.tsx"));
const Onboarding = lazy(() => import("./pages/onboarding.tsx"));
const Instances = lazy(() => import("./pages/instances.tsx"));
const InstanceDetail = lazy(() => import("./pages/instance-detail.tsx"));
const ApiKeys = lazy(() => import("./pages/api-keys.tsx"));
const SettingsPage = lazy(() => import("./pages/settings.tsx"));
const BillingPage = lazy(() => import("./pages/billing.tsx"));
const CliLogin = lazy(() => import("./pages/cli-login.tsx"));
const Machines = lazy(() => import("./pages/machines.tsx"));
const Teams = lazy(() => import("./pages/teams.tsx"));
const TeamDetail = lazy(() => import("./pages/team-detail.tsx"));

function RequireSession() {
  const token = useSessionToken();
  const location = useLocation();
  if (!token) {
    const next = location.pathname === "/" ? "" : `?next=${encodeURIComponent(location.pathname + location.search)}`;
    return <Navigate to={`/sign-in${next}`} replace />;
  }
  return (
    <LiveProvider>
      <Outlet />
    </LiveProvider>
  );
}

/** Only same-site paths: `?next=` must not send a signed-in user to another origin. */
const safeNext = (next: string | null): string | undefined =>
  next?.startsWith("/") && !next.startsWith("//") ? next : undefined;

/** Signing in lands where the user was going; a new account starts with onboarding. */
function PublicOnly() {
  const token = useSessionToken();
  const location = useLocation();
  if (!token) return <Outlet />;
  const next = safeNext(new URLSearchParams(location.search).get("next"));
  return <Navigate to={next ?? (location.pathname === "/sign-up" ? "/onboarding" : "/")} replace />;
}

export const router = createBrowserRouter([
  // Open signed in or not: a reset link may be opened in a browser that is still signed in.
  { path: "/reset-password", element: <ResetPassword /> },
  {
    element: <PublicOnly />,
    children: [
      { path: "/sign-in", element: <SignIn /> },
      { path: "/sign-up", element: <SignUp /> },
    ],
  },
  {
    element: <RequireSession />,
    children: [
      // A single card like sign-in, without the app's navigation: it is one decision.
      { path: "cli-login", element: <CliLogin /> },
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Overview /> },
          { path: "onboarding", element: <Onboarding /> },
          { path: "instances", element: <Instances /> },
          { path: "instances/:id", element: <InstanceDetail /> },
          { path: "api-keys", element: <ApiKeys /> },
          { path: "machines", element: <Machines /> },
          { path: "teams", element: <Teams /> },
          { path: "teams/:id", element: <TeamDetail /> },
          { path: "settings", element: <SettingsPage /> },
          { path: "billing", element: <BillingPage /> },
          { path: "*", element: <NotFound /> },
        ],
      },
    ],
  },
]);
