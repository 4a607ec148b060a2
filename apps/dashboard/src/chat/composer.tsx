import { limits } from "@omnara/contracts";
import { SendHorizontal } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useId, useLayoutEffect, useRef, useState } from "react";

interface Props {
  /** Resolves once the text is stored or kept for a retry; rejects when it was refused. */
  onSend: (text: string) => Promise<unknown>;
  placeholder: string;
}

/** The counter shows from here on; past the limit the text is refused, never cut. */
const COUNT_FROM = Math.floor(limits.messageChars * 0.8);
const number = (n: number) => n.toLocaleString("en-US");

/**
 * Enter sends, Shift+Enter adds a line; the box grows with its text. A paste longer than a
 * message may be stays whole in the box (no maxLength, which would cut it silently): the counter
 * says by how much it is over and sending is refused until it fits.
 */
export function Composer({ onSend, placeholder }: Props) {
  const [text, setText] = useState("");
  const box = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  // biome-ignore lint/correctness/useExhaustiveDependencies: the height is measured again whenever the text changes
  useLayoutEffect(() => {
    const area = box.current;
    if (!area) return;
    area.style.height = "auto";
    area.style.height = `${area.scrollHeight + 2}px`;
  }, [text]);

  const over = text.trim().length - limits.messageChars;
  // The box empties as the text leaves, so the next message can be typed and sent while this one
  // is on its way (the page sends them in order). Clearing on success instead would wipe whatever
  // was typed meanwhile. A refused text comes back, ahead of anything typed since.
  const send = async () => {
    const content = text.trim();
    if (!content || content.length > limits.messageChars) return;
    setText("");
    try {
      await onSend(content);
    } catch {
      setText((typed) => (typed.trim() === "" ? content : `${content}\n${typed}`));
    }
  };
  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // isComposing: Enter that confirms an IME candidate (Japanese, Chinese…) must not send.
    if (event.key === "Enter" && !event.shiftKey && !event.nativeEvent.isComposing) {
      event.preventDefault();
      void send();
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void send();
  };

  return (
    <div className="composer">
      <form onSubmit={onSubmit}>
        <label htmlFor={id} className="visually-hidden">
          Reply to the agent
        </label>
        <textarea
          id={id}
          ref={box}
          rows={1}
          value={text}
          onChange={(event) => setText(event.target.value)}
          onKeyDown={onKeyDown}
          placeholder={placeholder}
          enterKeyHint="send"
          aria-invalid={over > 0}
          aria-describedby={over > 0 ? `${id}-too-long` : undefined}
          data-testid="composer"
        />
        <button
          type="submit"
          className="btn btn-primary"
          disabled={text.trim() === "" || over > 0}
          aria-label="Send reply"
        >
          <SendHorizontal aria-hidden="true" />
        </button>
      </form>
      {over > 0 ? (
        <p className="form-error composer-too-long" id={`${id}-too-long`} role="alert" data-testid="composer-too-long">
          Too long to send: {number(text.trim().length)} characters, the limit is {number(limits.messageChars)}. Remove{" "}
          {number(over)} characters or send it in parts.
        </p>
      ) : null}
      {text.length >= COUNT_FROM ? (
        <p className={`composer-count ${over > 0 ? "is-over" : ""}`} data-testid="composer-count">
          {number(text.trim().length)} / {number(limits.messageChars)} characters
        </p>
      ) : null}
      <p className="composer-hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
      </p>
    </div>
  );
}
