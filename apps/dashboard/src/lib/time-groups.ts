import type { Message } from "@omnara/contracts";

/** Consecutive messages from one side within this gap share a header, as in Omnara's chat. */
export const GROUP_GAP_MS = 5 * 60_000;

export interface MessageGroup {
  key: string;
  sender: Message["sender_type"];
  startedAt: Date;
  messages: Message[];
}

export interface DayGroups {
  /** Local calendar day, YYYY-MM-DD. */
  day: string;
  groups: MessageGroup[];
}

const localDay = (date: Date): string =>
  `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, "0")}-${String(date.getDate()).padStart(2, "0")}`;

/** Messages in chronological order → days → runs of one sender with gaps of at most 5 minutes. */
export function groupMessages(messages: readonly Message[]): DayGroups[] {
  const days: DayGroups[] = [];
  let previous: { at: number; sender: Message["sender_type"] } | undefined;
  for (const message of messages) {
    const at = new Date(message.created_at);
    const day = localDay(at);
    let today = days[days.length - 1];
    if (!today || today.day !== day) {
      today = { day, groups: [] };
      days.push(today);
      previous = undefined;
    }
    const group = today.groups[today.groups.length - 1];
    const joins =
      group && previous && previous.sender === message.sender_type && at.getTime() - previous.at <= GROUP_GAP_MS;
    if (joins) group.messages.push(message);
    else today.groups.push({ key: message.id, sender: message.sender_type, startedAt: at, messages: [message] });
    previous = { at: at.getTime(), sender: message.sender_type };
  }
  return days;
}

/** "Today", "Yesterday", or a date, for day separators. */
export function dayLabel(day: string, now: Date = new Date()): string {
  if (day === localDay(now)) return "Today";
  const yesterday = new Date(now);
  yesterday.setDate(now.getDate() - 1);
  if (day === localDay(yesterday)) return "Yesterday";
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(y ?? 1970, (m ?? 1) - 1, d ?? 1);
  return date.toLocaleDateString(undefined, {
    weekday: "short",
    month: "short",
    day: "numeric",
    ...(date.getFullYear() === now.getFullYear() ? {} : { year: "numeric" }),
  });
}
