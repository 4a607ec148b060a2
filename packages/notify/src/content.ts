import type { NotificationEvent } from "@omnara/contracts";
import type { NotificationContent } from "@omnara/db/schema";

/** Agent types are stored lower-cased ("claude code"); people read "Claude Code". */
export const displayAgentName = (agentType: string): string =>
  agentType.replace(
    /(^|[\s_-])(\p{Ll})/gu,
    (_match, separator: string, letter: string) => separator + letter.toUpperCase(),
  );

export interface ContentInput {
  notificationId: string;
  event: NotificationEvent;
  agentInstanceId: string | null;
  agentName: string;
  instanceName: string | null;
  /** The message's first line, already cut. */
  preview: string | null;
  count: number;
  publicUrl: string | undefined;
}

const titles: Record<NotificationEvent, (agent: string) => string> = {
  question: (agent) => `${agent} needs your input`,
  step: (agent) => agent,
  session_completed: (agent) => `${agent} completed its session`,
  session_failed: (agent) => `${agent} failed`,
  test: () => "Omnara test notification",
};

/** Title and body as the lock screen shows them: the first line at most, never the whole message. */
export function notificationContent(input: ContentInput): NotificationContent {
  const fallback =
    input.event === "test" ? "Notifications reach this device." : (input.instanceName ?? "Open Omnara to see it.");
  const body = input.preview && input.preview.length > 0 ? input.preview : fallback;
  const more = input.count > 1 ? ` (+${input.count - 1} more)` : "";
  return {
    title: titles[input.event](input.agentName),
    body: `${body}${more}`,
    event: input.event,
    agentInstanceId: input.agentInstanceId,
    notificationId: input.notificationId,
    count: input.count,
    url: instanceUrl(input.publicUrl, input.agentInstanceId),
  };
}

/** The dashboard route of an instance; without a known public URL there is no link to give. */
function instanceUrl(publicUrl: string | undefined, instanceId: string | null): string | null {
  if (!publicUrl) return null;
  const base = publicUrl.replace(/\/+$/, "");
  return instanceId ? `${base}/instances/${instanceId}` : `${base}/`;
}
