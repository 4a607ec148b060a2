import type { AgentApi, Message, Metadata } from "@omnara/contracts";
import { type Answer, answerFrom, defaultAnswer, interruptedAnswer } from "./answer.ts";
import type { ClientConfig } from "./client-options.ts";
import { watchControl } from "./control-watch.ts";
import { InterruptedError, OmnaraError, SessionEndedError, TimeoutError } from "./errors.ts";
import { Heartbeat } from "./heartbeat.ts";
import { newId } from "./ids.ts";
import { type Choices, formatQuestion } from "./question.ts";
import { waitForReplies } from "./reply-wait.ts";
import { linkSignals } from "./signals.ts";

export interface SessionOptions {
  /** The kind of agent, e.g. "Deploy bot"; the dashboard groups instances by it. */
  agentType: string;
  /** A name for this run, shown on the dashboard. */
  name?: string;
  /** Resume this instance (or create it with this id). Default: a new instance with a random id. */
  instanceId?: string;
  /** Free-form JSON stored with the instance. */
  metadata?: Metadata;
  /** Aborting closes the session: heartbeats stop and calls in flight are cancelled. */
  signal?: AbortSignal;
  /**
   * Listen for the user's interrupt and stop while the agent works, calling nothing: one
   * long-poll held per session, which keeps the process alive until `end()` or the signal.
   * Default false: interrupts are then heard by the next `ask`, `log` or `pending`.
   */
  watchControl?: boolean;
}

/** What the user did from the dashboard: interrupted the current turn, or stopped the session. */
export type ControlEvent = "interrupt" | "stop";

export interface CallSignal {
  /** Cancels this call; it rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface LogOptions extends CallSignal {
  /** A unified diff of the agent's changes so far, shown on the dashboard. */
  gitDiff?: string;
  metadata?: Metadata;
}

export interface LogResult {
  /** The stored step; pass it to `requestInput` to turn it into a question later. */
  messageId: string;
  /** User messages that arrived since the agent last read, oldest first. */
  replies: Message[];
  /** The user interrupted the agent since its last call: stop the current task (see `session.signal`). */
  interrupted: boolean;
}

export interface WaitOptions extends CallSignal {
  /** Give up after this long: reject with TimeoutError, or resolve with `defaultAnswer`. Default: wait forever. */
  timeoutMs?: number;
  /** Resolve with this (`isDefault: true`) instead of rejecting when `timeoutMs` passes. */
  defaultAnswer?: string;
}

export interface AskOptions extends WaitOptions, LogOptions {
  /** Buttons for the user: a list of options, or "yes/no". */
  options?: Choices;
}

/** How long the look for a reply at an ask's deadline may take (it gives up rather than retry). */
const LAST_LOOK_MS = 2_000;

export type EndStatus = "COMPLETED" | "FAILED" | "DISCONNECTED";

/** One run of an agent, shown live on the dashboard. Create it with `omnara.session()`. */
export class Session {
  /** The agent instance id; keep it to resume the session later. */
  readonly id: string;
  /** True when `instanceId` named an instance that already existed. */
  readonly resumed: boolean;
  readonly #api: AgentApi;
  readonly #config: ClientConfig;
  readonly #heartbeat: Heartbeat;
  readonly #signal: AbortSignal | undefined;
  readonly #inbox: Message[] = [];
  /** The last message this session has read up to; replies after it are still unread. */
  #cursor: string | undefined;
  #closed: string | undefined;
  #ending: Promise<EndStatus> | undefined;
  #detach: () => void = () => {};
  /** Aborted by the user's interrupt or stop; a fresh one follows an interrupt, for the next turn. */
  #turn = new AbortController();
  readonly #listeners = new Map<ControlEvent, Set<() => void>>();
  readonly #watching = new AbortController();

  /** @internal Use `omnara.session()`. */
  constructor(
    api: AgentApi,
    config: ClientConfig,
    id: string,
    resumed: boolean,
    options: { signal: AbortSignal | undefined; watchControl: boolean },
  ) {
    const { signal } = options;
    this.#api = api;
    this.#config = config;
    this.id = id;
    this.resumed = resumed;
    this.#signal = signal;
    this.#heartbeat = new Heartbeat(
      () => api.heartbeat({ agent_instance_id: id }, { signal }),
      config.heartbeatIntervalMs,
      (error) => {
        if (error instanceof OmnaraError) config.onBackgroundError(error);
      },
    );
    if (signal) {
      const onAbort = () => this.#close("its signal was aborted");
      signal.addEventListener("abort", onAbort, { once: true });
      this.#detach = () => signal.removeEventListener("abort", onAbort);
    }
    this.#heartbeat.start();
    if (options.watchControl) {
      void watchControl({
        api,
        instanceId: id,
        longPollSeconds: config.longPollSeconds,
        retry: config.retry,
        signal: linkSignals(signal, this.#watching.signal).signal,
        onInterrupt: () => this.#interrupted(),
        onStop: () => this.#stopped("the user stopped it"),
        onError: config.onBackgroundError,
      });
    }
  }

  /** @internal Registers the instance, or resumes it when the id is already registered. */
  static async start(api: AgentApi, config: ClientConfig, options: SessionOptions): Promise<Session> {
    const id = options.instanceId ?? newId();
    const call = { signal: options.signal };
    let resumed = false;
    try {
      await api.registerInstance(
        {
          agent_type: options.agentType,
          agent_instance_id: id,
          ...(options.name !== undefined ? { name: options.name } : {}),
          ...(options.metadata !== undefined ? { instance_metadata: options.metadata } : {}),
          transport: "sdk-typescript",
        },
        call,
      );
    } catch (error) {
      // CONFLICT: the id exists (a resume, or our own retried registration). A heartbeat proves it is ours.
      if (!(error instanceof OmnaraError && error.code === "CONFLICT")) throw error;
      await api.heartbeat({ agent_instance_id: id }, call);
      resumed = options.instanceId !== undefined;
    }
    return new Session(api, config, id, resumed, {
      signal: options.signal,
      watchControl: options.watchControl ?? false,
    });
  }

  /** Whether heartbeats are being sent (false after `end`, an abort, or process exit). */
  get heartbeating(): boolean {
    return this.#heartbeat.active;
  }

  /**
   * The current turn's signal: aborted (reason: InterruptedError) when the user interrupts the
   * agent from the dashboard, or (SessionEndedError) when they stop the session. Pass it to the
   * work of a turn; read it again for the next turn, which gets a fresh one after an interrupt.
   */
  get signal(): AbortSignal {
    return this.#turn.signal;
  }

  /**
   * Calls `listener` when the user interrupts the current turn ("interrupt") or stops the session
   * ("stop"). Returns a function that removes it.
   */
  on(event: ControlEvent, listener: () => void): () => void {
    let set = this.#listeners.get(event);
    if (!set) {
      set = new Set();
      this.#listeners.set(event, set);
    }
    set.add(listener);
    return () => set.delete(listener);
  }

  /** Reports a step to the dashboard; returns it with any user replies that arrived meanwhile. */
  async log(text: string, options: LogOptions = {}): Promise<LogResult> {
    const sent = await this.#send(text, false, options);
    return {
      messageId: sent.message_id,
      replies: this.#takeInbox(sent.queued_user_messages),
      interrupted: sent.interrupted === true,
    };
  }

  /**
   * Asks the user and resolves with the reply the moment it is stored (the server pushes it to
   * the waiting request). Replies that arrived before the question are kept for `pending()`.
   * An interrupt from the dashboard while it waits resolves it with `interrupted: true`.
   */
  async ask(question: string, options: AskOptions = {}): Promise<Answer> {
    const sent = await this.#send(formatQuestion(question, options.options), true, options);
    this.#inbox.push(...sent.queued_user_messages);
    return this.#awaitAnswer(sent.message_id, options.options, options);
  }

  /** Turns an earlier step (from `log`) into a question and waits for the answer like `ask`. */
  async requestInput(messageId: string, options: WaitOptions = {}): Promise<Answer> {
    this.#assertOpen();
    const call = this.#link(options.signal);
    let early: Message[];
    try {
      // Idempotent on the server: already a question (an earlier ask, our own retry) is fine.
      early = (await this.#api.requestInput({ message_id: messageId }, { signal: call.signal })).messages;
    } finally {
      call.dispose();
    }
    if (early.length > 0) {
      this.#advance(early);
      return answerFrom(messageId, early, undefined);
    }
    return this.#awaitAnswer(messageId, undefined, options);
  }

  /** User messages not yet read by this agent, oldest first; each is returned once. */
  async pending(options: CallSignal = {}): Promise<Message[]> {
    this.#assertOpen();
    const call = this.#link(options.signal);
    try {
      let fresh: Message[];
      if (this.#cursor) {
        // A read from a known cursor repeats safely: a retried read returns the same messages.
        const read = await this.#api.waitForReply(
          { agent_instance_id: this.id, after_message_id: this.#cursor, timeout_seconds: 0 },
          { signal: call.signal },
        );
        if (read.status === "interrupted") this.#interrupted();
        fresh = read.messages;
      } else {
        fresh = (await this.#api.getPendingMessages({ agent_instance_id: this.id }, { signal: call.signal })).messages;
      }
      this.#advance(fresh);
      return this.#takeInbox(fresh);
    } finally {
      call.dispose();
    }
  }

  /** Ends the session (status COMPLETED unless said) and stops its heartbeat. Calling it again is a no-op. */
  end(options: { status?: EndStatus } = {}): Promise<EndStatus> {
    if (!this.#ending) {
      this.#close("it has ended");
      this.#ending = this.#api
        .endSession({ agent_instance_id: this.id, status: options.status ?? "COMPLETED" }, { signal: this.#signal })
        .then((result) => result.final_status);
      // A failed end may be tried again.
      this.#ending.catch(() => {
        this.#ending = undefined;
      });
    }
    return this.#ending;
  }

  async #send(content: string, requiresUserInput: boolean, options: LogOptions) {
    this.#assertOpen();
    const call = this.#link(options.signal);
    try {
      const sent = await this.#api.sendMessage(
        {
          agent_instance_id: this.id,
          content,
          requires_user_input: requiresUserInput,
          idempotency_key: newId(),
          ...(options.gitDiff !== undefined ? { git_diff: options.gitDiff } : {}),
          ...(options.metadata !== undefined ? { message_metadata: options.metadata } : {}),
        },
        { signal: call.signal },
      );
      this.#cursor = sent.message_id;
      if (sent.interrupted) this.#interrupted();
      return sent;
    } finally {
      call.dispose();
    }
  }

  async #awaitAnswer(questionId: string, choices: Choices | undefined, options: WaitOptions): Promise<Answer> {
    const call = this.#link(options.signal);
    // The watch may hear the interrupt first: it aborts this turn, which ends the wait.
    const turn = this.#turn.signal;
    const waiting = linkSignals(call.signal, turn);
    try {
      let replies: Awaited<ReturnType<typeof waitForReplies>>;
      try {
        replies =
          (await waitForReplies({
            api: this.#api,
            instanceId: this.id,
            afterMessageId: questionId,
            signal: waiting.signal,
            timeoutMs: options.timeoutMs,
            longPollSeconds: this.#config.longPollSeconds,
            retry: this.#config.retry,
          })) ?? (await this.#lastLook(questionId, waiting.signal));
      } catch (error) {
        if (!call.signal.aborted && turn.aborted && turn.reason instanceof InterruptedError) {
          return interruptedAnswer(questionId);
        }
        throw error;
      }
      if (replies === "interrupted") {
        this.#interrupted();
        return interruptedAnswer(questionId);
      }
      if (replies === "ended") {
        this.#stopped("the user ended it");
        throw new SessionEndedError(
          "SESSION_ENDED",
          `Session ${this.id} was ended by the user (marked completed or deleted) while waiting for a reply; no reply will come.`,
          { operation: "ask", questionId },
        );
      }
      if (replies) {
        this.#advance(replies);
        return answerFrom(questionId, replies, choices);
      }
      if (options.defaultAnswer === undefined) {
        throw new TimeoutError(
          "TIMEOUT",
          `No reply within ${options.timeoutMs} ms. Pass a longer timeoutMs, or defaultAnswer to go on without one; a later reply comes back from session.pending() or session.requestInput(error.questionId).`,
          { operation: "ask", questionId },
        );
      }
      // Tell the user the agent moved on, so the dashboard stops showing it as waiting.
      await this.#send(`No reply in time; going on with the default answer: ${options.defaultAnswer}`, false, options)
        .then((sent) => this.#inbox.push(...sent.queued_user_messages))
        .catch((error: unknown) => {
          if (error instanceof OmnaraError) this.#config.onBackgroundError(error);
        });
      return defaultAnswer(questionId, options.defaultAnswer, choices);
    } finally {
      waiting.dispose();
      call.dispose();
    }
  }

  /** At the deadline, one quick look without waiting: a reply stored as the timer fired still wins. */
  async #lastLook(questionId: string, signal: AbortSignal): Promise<Message[] | "ended" | "interrupted" | undefined> {
    const quick = linkSignals(signal, AbortSignal.timeout(LAST_LOOK_MS));
    try {
      const result = await this.#api.waitForReply(
        { agent_instance_id: this.id, after_message_id: questionId, timeout_seconds: 0 },
        { signal: quick.signal },
      );
      if (result.status === "ended" || result.status === "interrupted") return result.status;
      return result.messages.length > 0 ? result.messages : undefined;
    } catch (error) {
      if (signal.aborted) throw error;
      return undefined;
    } finally {
      quick.dispose();
    }
  }

  #advance(messages: Message[]): void {
    const last = messages.at(-1);
    if (last) this.#cursor = last.id;
  }

  #takeInbox(fresh: Message[]): Message[] {
    return [...this.#inbox.splice(0), ...fresh];
  }

  #link(signal: AbortSignal | undefined) {
    return linkSignals(this.#signal, signal);
  }

  #assertOpen(): void {
    if (this.#closed) {
      throw new OmnaraError(
        "SESSION_CLOSED",
        `Session ${this.id} is closed: ${this.#closed}. Start another with omnara.session().`,
      );
    }
  }

  #close(reason: string): void {
    this.#closed ??= reason;
    this.#heartbeat.stop();
    this.#watching.abort();
    this.#detach();
  }

  #emit(event: ControlEvent): void {
    for (const listener of this.#listeners.get(event) ?? []) {
      try {
        listener();
      } catch (error) {
        if (error instanceof OmnaraError) this.#config.onBackgroundError(error);
      }
    }
  }

  /** The user interrupted: this turn's signal aborts, the next turn gets a fresh one. */
  #interrupted(): void {
    if (this.#closed) return;
    const turn = this.#turn;
    this.#turn = new AbortController();
    turn.abort(new InterruptedError("INTERRUPTED", `The user interrupted session ${this.id} from the dashboard.`));
    this.#emit("interrupt");
  }

  /** The user stopped the session (or it ended under the agent): closed, its signal aborted. */
  #stopped(reason: string): void {
    if (this.#closed) return;
    this.#close(reason);
    this.#turn.abort(new SessionEndedError("SESSION_ENDED", `Session ${this.id} was stopped: ${reason}.`));
    this.#emit("stop");
  }
}
