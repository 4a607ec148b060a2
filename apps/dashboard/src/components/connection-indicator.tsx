import { WifiOff } from "lucide-react";
import { useLiveState } from "../live/live-provider.tsx";

const labels = { connecting: "Connecting…", live: "Live", reconnecting: "Reconnecting…" } as const;

/** The small status in the navigation. */
export function ConnectionIndicator() {
  const state = useLiveState();
  return (
    <span
      className={`live live-${state}`}
      data-testid="connection"
      data-state={state}
      title={state === "live" ? "Updates arrive as they happen" : undefined}
    >
      <span className="live-dot" aria-hidden="true" />
      {labels[state]}
    </span>
  );
}

/** The loud one: what is on screen may be out of date until the stream is back. */
export function ReconnectingBanner() {
  const state = useLiveState();
  if (state !== "reconnecting") return null;
  return (
    <output className="banner" data-testid="reconnecting-banner">
      <WifiOff aria-hidden="true" />
      Disconnected from the server. Reconnecting… updates resume where they left off.
    </output>
  );
}
