import type { Message } from "@omnara/contracts";
import { MessageCircleQuestion } from "lucide-react";
import { memo, useState } from "react";
import { Markdown } from "../components/markdown.tsx";
import { DeliveryBadge } from "../control/delivery-badge.tsx";
import { measureText } from "../lib/long-text.ts";
import { parseQuestion } from "../lib/question-markers.ts";
import { isToolResult, ToolResult } from "./tool-result.tsx";

interface Props {
  message: Message;
  /** The question the agent is waiting on: its choices are live buttons. */
  pending: boolean;
  answering: boolean;
  onChoose: (choice: string) => void;
}

/**
 * Markdown for the agent's and the user's words alike. A long message (a log, a 64 KB paste)
 * shows its head and "Show all"; only the head is rendered until then.
 */
function MessageText({ text }: { text: string }) {
  const [expanded, setExpanded] = useState(false);
  const measured = measureText(text);
  if (!measured.long) return <Markdown text={text} />;
  return (
    <>
      <div className={expanded ? "long-text" : "long-text is-collapsed"} data-testid="long-text">
        <Markdown text={expanded ? text : measured.preview} />
      </div>
      <button
        type="button"
        className="btn btn-ghost btn-sm show-all"
        aria-expanded={expanded}
        onClick={() => setExpanded((open) => !open)}
        data-testid="show-all"
      >
        {expanded ? "Show less" : `Show all · ${measured.lines.toLocaleString()} lines`}
      </button>
    </>
  );
}

/** Memoized: a long chat re-renders only the bubbles that changed, not every markdown tree. */
export const MessageBubble = memo(function MessageBubble({ message, pending, answering, onChoose }: Props) {
  const question = message.sender_type === "AGENT" && message.requires_user_input;
  const parsed = message.sender_type === "AGENT" ? parseQuestion(message.content) : undefined;
  const text = parsed?.text ?? message.content;
  return (
    <div
      className={`bubble ${question ? "is-question" : ""}`}
      data-testid="message"
      data-message-id={message.id}
      data-sender={message.sender_type}
    >
      {question ? (
        <div className="question-label">
          <MessageCircleQuestion aria-hidden="true" />
          {pending ? "Question · waiting for you" : "Question"}
        </div>
      ) : null}
      {isToolResult(message) ? <ToolResult message={message} /> : <MessageText text={text} />}
      {parsed && parsed.choices.length > 0 && pending ? (
        <fieldset className="choices">
          <legend className="visually-hidden">Answer</legend>
          {parsed.choices.map((choice) => (
            <button
              key={choice}
              type="button"
              className="btn"
              onClick={() => onChoose(choice)}
              disabled={answering}
              data-testid="choice"
            >
              {choice}
            </button>
          ))}
        </fieldset>
      ) : null}
      <DeliveryBadge message={message} />
    </div>
  );
});
