import type { ReactNode } from "react";
import { useEffect, useRef } from "react";

export type OutcomeTone = "approved" | "denied" | "expired" | "unknown";

/**
 * The end of a sign-in. The heading takes focus, so after a click on Approve or Deny, which
 * removes the button, a screen reader announces what happened and the keyboard is not lost.
 */
export function Outcome({
  tone,
  icon,
  title,
  children,
}: {
  tone: OutcomeTone;
  icon: ReactNode;
  title: string;
  children: ReactNode;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className={`cli-outcome cli-outcome-${tone}`} data-testid="cli-login-outcome" data-status={tone}>
      <span className="cli-outcome-icon" aria-hidden="true">
        {icon}
      </span>
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
