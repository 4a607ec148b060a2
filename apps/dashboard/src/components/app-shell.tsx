import { useQuery } from "@tanstack/react-query";
import { CreditCard, KeyRound, LayoutGrid, ListChecks, type LucideIcon, Monitor, Settings, Users } from "lucide-react";
import { Suspense } from "react";
import { NavLink, Outlet, useMatch } from "react-router";
import { UsageBanner } from "../billing/usage-banner.tsx";
import { useBilling } from "../billing/use-billing.ts";
import { useTRPC } from "../lib/trpc.ts";
import { Brand } from "./brand.tsx";
import { ConnectionIndicator, ReconnectingBanner } from "./connection-indicator.tsx";
import { Loading } from "./states.tsx";

interface NavItem {
  to: string;
  label: string;
  short: string;
  icon: LucideIcon;
  end?: boolean;
}

const nav: NavItem[] = [
  { to: "/", label: "Overview", short: "Overview", icon: LayoutGrid, end: true },
  { to: "/instances", label: "Instances", short: "Instances", icon: ListChecks },
  { to: "/teams", label: "Teams", short: "Teams", icon: Users },
  { to: "/machines", label: "Machines", short: "Machines", icon: Monitor },
  { to: "/api-keys", label: "API keys", short: "Keys", icon: KeyRound },
  { to: "/settings", label: "Settings", short: "Settings", icon: Settings },
];
/** Only on servers with billing configured, just before Settings. */
const billingNav: NavItem = { to: "/billing", label: "Billing", short: "Billing", icon: CreditCard };

export function AppShell() {
  const trpc = useTRPC();
  const summary = useQuery(trpc.getSummary.queryOptions({}));
  const me = useQuery(trpc.me.queryOptions({}));
  const billing = useBilling();
  const teams = useQuery(trpc.listTeams.queryOptions({}));
  const links = billing.data ? [...nav.slice(0, -1), billingNav, ...nav.slice(-1)] : nav;
  const waiting = summary.data?.awaiting_input_instances ?? 0;
  const invites = teams.data?.invites.length ?? 0;
  // A chat takes the whole phone screen; its own header has the way back.
  const focus = useMatch("/instances/:id") !== null;
  const badge = (to: string) =>
    to === "/" && waiting > 0 ? (
      <span className="count count-amber">
        {waiting}
        <span className="visually-hidden"> waiting for you</span>
      </span>
    ) : to === "/teams" && invites > 0 ? (
      <span className="count count-accent" data-testid="invite-count">
        {invites}
        <span className="visually-hidden"> {invites === 1 ? "invite" : "invites"} for you</span>
      </span>
    ) : null;

  return (
    <div className={`shell ${focus ? "focus-mode" : ""}`}>
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <nav className="sidebar" aria-label="Main">
        <Brand />
        {links.map(({ to, label, icon: Icon, end }) => (
          <NavLink key={to} to={to} end={end ?? false} className="nav-link">
            <Icon aria-hidden="true" />
            {label}
            {badge(to)}
          </NavLink>
        ))}
        <div className="sidebar-foot">
          <ConnectionIndicator />
          {me.data ? <span className="subtle truncate">{me.data.email}</span> : null}
        </div>
      </nav>
      <div>
        <header className="topbar">
          <Brand />
          <span className="spacer" />
          <ConnectionIndicator />
        </header>
        <ReconnectingBanner />
        <UsageBanner />
        <main id="main" className="main">
          <Suspense fallback={<Loading />}>
            <Outlet />
          </Suspense>
        </main>
      </div>
      <nav className="tabbar" aria-label="Main">
        {links.map(({ to, short, icon: Icon, end }) => (
          <NavLink key={to} to={to} end={end ?? false}>
            <Icon aria-hidden="true" />
            {short}
            {badge(to)}
          </NavLink>
        ))}
      </nav>
    </div>
  );
}
