import { limits } from "@omnara/contracts";
import { SendHorizontal } from "lucide-react";
import { type FormEvent, type KeyboardEvent, useId, useLayoutEffect, useRef, useState } from "react";

interface Props {
  onSend: (text: string) => Promise<unknown>;
  sending: boolean;
  placeholder: string;
}

/** Enter sends, Shift+Enter adds a line; the box grows with its text. */
export function Composer({ onSend, sending, placeholder }: Props) {
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

  const send = async () => {
    const content = text.trim();
    if (!content || sending) return;
    try {
      await onSend(content);
      setText("");
    } catch {
      // The text stays in the box to be sent again; the page shows the error.
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
          maxLength={limits.messageChars}
          enterKeyHint="send"
          data-testid="composer"
        />
        <button
          type="submit"
          className="btn btn-primary"
          disabled={sending || text.trim() === ""}
          aria-label="Send reply"
        >
          <SendHorizontal aria-hidden="true" />
        </button>
      </form>
      <p className="composer-hint">
        <kbd>Enter</kbd> to send · <kbd>Shift</kbd>+<kbd>Enter</kbd> for a new line
      </p>
    </div>
  );
}
