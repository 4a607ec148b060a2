import type { Message } from "@omnara/contracts";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { ArrowLeft, FileDiff as FileDiffIcon, MessagesSquare } from "lucide-react";
import { useCallback, useLayoutEffect, useMemo, useRef } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";
import { Composer } from "../chat/composer.tsx";
import { Timeline } from "../chat/timeline.tsx";
import { usePresence } from "../chat/use-presence.ts";
import { useReply } from "../chat/use-reply.ts";
import { useTimeline } from "../chat/use-timeline.ts";
import { ConnectionIndicator } from "../components/connection-indicator.tsx";
import { InstanceActions } from "../components/instance-actions.tsx";
import { ErrorState, Loading, NotFound } from "../components/states.tsx";
import { StatusPill } from "../components/status-pill.tsx";
import { QueuedMessages } from "../control/queued-messages.tsx";
import { TurnControls } from "../control/turn-controls.tsx";
import { useDelivery } from "../control/use-delivery.ts";
import { DiffPanel } from "../diff/diff-panel.tsx";
import { timeAgo } from "../lib/format-time.ts";
import { displayStatus, instanceTitle, sharedBy, shortId } from "../lib/instance-status.ts";
import { errorCode, errorMessage, useTRPC } from "../lib/trpc.ts";
import { useNow } from "../lib/use-now.ts";

/** The question the agent waits on: its last message, if that asks for input. */
function pendingQuestion(messages: readonly Message[], waiting: boolean): string | undefined {
  const last = messages[messages.length - 1];
  return waiting && last?.sender_type === "AGENT" && last.requires_user_input ? last.id : undefined;
}

/** Keeps the newest message in view unless the user scrolled up, and holds position when older ones load. */
function useChatScroll(messages: readonly Message[]) {
  const root = useRef<HTMLDivElement>(null);
  const seen = useRef<{ first?: string; last?: string; fromBottom: number; nearBottom: boolean }>({
    fromBottom: 0,
    nearBottom: true,
  });
  const forceBottom = useRef(false);
  const onScroll = useCallback(() => {
    const el = root.current;
    if (!el) return;
    seen.current.fromBottom = el.scrollHeight - el.scrollTop;
    seen.current.nearBottom = el.scrollHeight - el.scrollTop - el.clientHeight < 140;
  }, []);
  useLayoutEffect(() => {
    const el = root.current;
    if (!el) return;
    const first = messages[0]?.id;
    const last = messages[messages.length - 1]?.id;
    const before = seen.current;
    if (before.first !== undefined && first !== before.first && last === before.last) {
      el.scrollTop = el.scrollHeight - before.fromBottom;
    } else if (last !== before.last && (before.nearBottom || forceBottom.current || before.last === undefined)) {
      el.scrollTop = el.scrollHeight;
      forceBottom.current = false;
    }
    seen.current = { ...before, first, last };
    onScroll();
  }, [messages, onScroll]);
  const stickToBottom = () => {
    forceBottom.current = true;
  };
  return { root, onScroll, stickToBottom };
}

/** Keyed by id: moving to another instance starts with fresh chat state. */
export default function InstanceDetailPage() {
  const { id = "" } = useParams();
  return <InstanceDetail key={id} id={id} />;
}

function InstanceDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const now = useNow();
  const [params, setParams] = useSearchParams();
  const detail = useQuery(trpc.getInstance.queryOptions({ agent_instance_id: id }));
  const timeline = useTimeline(id, detail.data?.messages, detail.data?.has_more_messages);
  const scroll = useChatScroll(timeline.messages);
  usePresence(id, detail.data !== undefined && detail.data.status !== "DELETED");
  const delivery = useDelivery(id);

  const reply = useReply(id, (message) => {
    timeline.add(message);
    queryClient.setQueryData(trpc.getInstance.queryKey({ agent_instance_id: id }), (old) =>
      old && !old.messages.some((m) => m.id === message.id) ? { ...old, messages: [...old.messages, message] } : old,
    );
  });
  /** A tapped option names its question: if another tab or the terminal answered first, it is refused. */
  const send = (content: string, questionId?: string) => {
    scroll.stickToBottom();
    return reply.send(content, questionId);
  };
  const instance = detail.data;
  const status = instance ? displayStatus(instance, now) : undefined;
  const pendingId = useMemo(
    () => pendingQuestion(timeline.messages, instance?.status === "AWAITING_INPUT"),
    [timeline.messages, instance?.status],
  );

  if (detail.isPending) return <Loading />;
  if (errorCode(detail.error) === "NOT_FOUND" || instance?.status === "DELETED") {
    return (
      <div style={{ padding: 24 }}>
        <NotFound title="Instance not found">It doesn’t exist, was deleted, or belongs to another account.</NotFound>
      </div>
    );
  }
  if (!instance) return <ErrorState error={detail.error} retry={() => void detail.refetch()} />;

  const hasDiff = Boolean(instance.git_diff?.trim());
  const view = hasDiff && params.get("view") === "changes" ? "changes" : "chat";
  const title = instanceTitle(instance);
  const ended = status === "completed" || status === "failed";

  return (
    <div className="detail">
      <header className="detail-head">
        <Link to="/instances" className="btn btn-ghost btn-icon" aria-label="Back to instances">
          <ArrowLeft aria-hidden="true" />
        </Link>
        <div className="detail-title">
          <h1 className="truncate" data-testid="instance-title">
            {title}
          </h1>
          <div className="detail-meta">
            <span data-testid="instance-status">
              <StatusPill instance={instance} now={now} />
            </span>
            <span className="subtle truncate">
              <span style={{ textTransform: "capitalize" }}>{instance.agent_type_name}</span> · started{" "}
              {timeAgo(instance.started_at, now)} · #{shortId(instance.id)}
              {instance.shared ? ` · shared ${sharedBy(instance.shared)}` : ""}
            </span>
          </div>
        </div>
        <div className="row" style={{ gap: 2 }}>
          <TurnControls instance={instance} working={status === "active"} />
          <InstanceActions instance={instance} onDeleted={() => navigate("/instances", { replace: true })} />
        </div>
      </header>
      <div className="detail-tabs">
        {hasDiff ? (
          <div className="segmented" role="tablist" aria-label="View">
            <button
              type="button"
              role="tab"
              aria-selected={view === "chat"}
              onClick={() => setParams({}, { replace: true })}
            >
              <MessagesSquare aria-hidden="true" width={15} height={15} />
              Chat
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={view === "changes"}
              onClick={() => setParams({ view: "changes" }, { replace: true })}
              data-testid="changes-tab"
            >
              <FileDiffIcon aria-hidden="true" width={15} height={15} />
              Changes
            </button>
          </div>
        ) : (
          <span className="subtle">{instance.chat_length} messages</span>
        )}
        <span style={{ flex: 1 }} />
        <ConnectionIndicator />
      </div>
      {view === "changes" && instance.git_diff ? (
        <DiffPanel diff={instance.git_diff} />
      ) : (
        <>
          <div className="chat-scroll" ref={scroll.root} onScroll={scroll.onScroll}>
            {timeline.messages.length === 0 ? (
              <p className="empty">No messages yet. The agent’s steps will appear here.</p>
            ) : (
              <Timeline
                messages={timeline.messages}
                agentName={instance.agent_type_name}
                pendingQuestionId={pendingId}
                answering={reply.sending}
                onChoose={(choice) => void send(choice, pendingId).catch(() => {})}
                hasOlder={timeline.hasOlder}
                loadingOlder={timeline.loadingOlder}
                olderError={timeline.olderError}
                loadOlder={timeline.loadOlder}
                scrollRoot={scroll.root}
                working={status === "active"}
              />
            )}
          </div>
          <QueuedMessages instanceId={id} queued={delivery.queued} onChanged={() => void delivery.refetch()} />
          {reply.queued.length > 0 && reply.error !== undefined ? (
            <div className="form-error reply-queued" role="alert" data-testid="reply-queued">
              <span>
                Not sent yet: {errorMessage(reply.error)}{" "}
                {reply.queued.length === 1 ? "Your reply is" : `${reply.queued.length} replies are`} kept and sent again
                as soon as the connection is back.
              </span>
              <span className="row" style={{ gap: 6 }}>
                <button type="button" className="btn btn-sm" onClick={() => void reply.retryNow()}>
                  Retry now
                </button>
                <button type="button" className="btn btn-ghost btn-sm" onClick={reply.discard}>
                  Discard
                </button>
              </span>
            </div>
          ) : reply.error ? (
            <p className="form-error" role="alert" style={{ margin: "0 12px 8px" }}>
              Not sent: {errorMessage(reply.error)}
            </p>
          ) : null}
          {instance.shared?.role === "READ" ? (
            <p className="muted read-only-note" data-testid="read-only-note" style={{ margin: "0 12px 12px" }}>
              Shared with you {sharedBy(instance.shared)} to view only: ask {instance.shared.owner_email} for “can
              reply” to answer.
            </p>
          ) : (
            <Composer
              onSend={send}
              placeholder={
                pendingId
                  ? "Answer the question…"
                  : ended
                    ? "This session has ended; the agent may not read replies"
                    : "Message the agent…"
              }
            />
          )}
        </>
      )}
    </div>
  );
}
