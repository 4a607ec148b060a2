import type { Message } from "@omnara/contracts";
import { type RefObject, useEffect, useMemo, useRef } from "react";
import { clockTime } from "../lib/format-time.ts";
import { dayLabel, groupMessages } from "../lib/time-groups.ts";
import { MessageBubble } from "./message-bubble.tsx";

interface Props {
  messages: Message[];
  agentName: string;
  pendingQuestionId: string | undefined;
  answering: boolean;
  onChoose: (choice: string) => void;
  hasOlder: boolean;
  loadingOlder: boolean;
  olderError: string | undefined;
  loadOlder: () => void;
  scrollRoot: RefObject<HTMLElement | null>;
  working: boolean;
}

export function Timeline(props: Props) {
  const {
    messages,
    agentName,
    pendingQuestionId,
    answering,
    onChoose,
    hasOlder,
    loadingOlder,
    olderError,
    loadOlder,
    scrollRoot,
    working,
  } = props;
  const days = useMemo(() => groupMessages(messages), [messages]);
  const sentinel = useRef<HTMLDivElement>(null);

  // Older history loads when its sentinel at the top scrolls into view.
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !hasOlder) return;
    const observer = new IntersectionObserver(
      (entries) => {
        if (entries.some((e) => e.isIntersecting)) loadOlder();
      },
      { root: scrollRoot.current, rootMargin: "200px 0px 0px 0px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [hasOlder, loadOlder, scrollRoot]);

  return (
    <div className="chat" role="log" aria-label="Conversation" aria-live="polite">
      {hasOlder ? (
        <div className="load-older" ref={sentinel}>
          <button type="button" className="btn btn-sm" onClick={loadOlder} disabled={loadingOlder}>
            {loadingOlder ? "Loading earlier messages…" : "Load earlier messages"}
          </button>
        </div>
      ) : null}
      {olderError ? <p className="form-error">{olderError}</p> : null}
      {days.map((day) => (
        <section key={day.day} aria-label={dayLabel(day.day)}>
          <div className="day-separator">{dayLabel(day.day)}</div>
          {day.groups.map((group) => (
            <div key={group.key} className={`group group-${group.sender === "USER" ? "user" : "agent"}`}>
              <div className="group-head">
                <strong>{group.sender === "USER" ? "You" : agentName}</strong>
                <time dateTime={group.startedAt.toISOString()}>{clockTime(group.startedAt)}</time>
              </div>
              {group.messages.map((message) => (
                <MessageBubble
                  key={message.id}
                  message={message}
                  pending={message.id === pendingQuestionId}
                  answering={answering}
                  onChoose={onChoose}
                />
              ))}
            </div>
          ))}
        </section>
      ))}
      {working ? (
        <output className="working">
          <span aria-hidden="true">
            <i />
            <i />
            <i />
          </span>
          Working…
        </output>
      ) : null}
    </div>
  );
}
