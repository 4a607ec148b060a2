import { unwatchFile, watchFile } from "node:fs";
import { basename } from "node:path";
import { limits, type Message, type Metadata } from "@omnara/contracts";
import { type Answer, type Omnara, PaymentRequiredError, type Session } from "@omnara/sdk";
import { workingTreeDiff } from "./git-diff.ts";
import type { HookAnswer } from "./hook-input.ts";
import type { ClaudePrompt } from "./prompts.ts";
import { summarizeToolUse } from "./summarize.ts";
import { type ToolUse, toolResultMessage, WRITING_TOOLS, writeMessage } from "./tool-output.ts";
import { type TranscriptItem, TranscriptReader } from "./transcript.ts";
import { WakerSlot } from "./waker.ts";

export const AGENT_TYPE = "Claude Code";
const NAME_CHARS = 80;
/** How often the transcript's size is checked: interrupts show up only there. */
const TRANSCRIPT_POLL_MS = 250;
/**
 * How long the end of a turn waits for the transcript to hold the turn's last text. Claude Code
 * writes its transcript through a queue drained on a 100 ms timer, but fills the Stop hook's
 * `last_assistant_message` from memory: on a loaded machine the Stop arrives before the turn's
 * last lines (the final text, the last tool result) are in the file. Normally a few polls; the
 * limit only bounds a transcript that never shows the text.
 */
const TURN_TAIL_WAIT_MS = 10_000;
const TURN_TAIL_POLL_MS = 50;
/** Tools whose use is a question to the user: the question is mirrored, not the raw tool call. */
const PROMPT_TOOLS: ReadonlySet<string> = new Set(["AskUserQuestion", "ExitPlanMode"]);

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const firstLine = (text: string): string => text.trim().split("\n")[0]?.trim() ?? "";

/**
 * Claude Code's state as the terminal shows it. Every state but `working` and `ended` means
 * Claude is not doing anything until someone answers, so the instance waits for input
 * (AWAITING_INPUT) and a dashboard reply is handed to Claude.
 */
export type ClaudeState = "working" | "waiting_for_user" | "waiting_on_permission" | "idle_after_interrupt" | "ended";

export interface MirrorOptions {
  omnara: Omnara;
  /** `claude -p`: nobody waits at the end of a turn, the process exits. */
  printMode: boolean;
  log: (line: string) => void;
  /** Tells the person at the terminal something they must act on (the plan's limit). */
  notice?: ((line: string) => void) | undefined;
  terminal?: ClaudeControl | undefined;
}

/** What the dashboard may do to the Claude Code process: Esc in its terminal, or end it. */
export interface ClaudeControl {
  /** False when this Claude Code cannot be interrupted (no terminal of ours). */
  interrupt(): boolean;
  stop(): void;
}

/** What the terminal shows when the plan allows no new instance: Claude goes on, unmirrored. */
export const limitNotice = (error: PaymentRequiredError): string =>
  `omnara: this Claude session is not mirrored: ${error.used ?? "all"} of ${error.limit ?? "the"} agent instances this month on the Free plan are used. Upgrade for unlimited: ${error.upgradeUrl ?? "see the Omnara dashboard's Billing page"}`;

interface OpenPrompt {
  toolUseId: string | undefined;
  toolName: string;
  /** Aborted when the tool ran anyway: the terminal answered "yes" first. */
  ranInTerminal: AbortController;
  terminalOutcome: string;
}

/**
 * One Claude Code session mirrored to one Omnara instance (same id as Claude's session id, so a
 * resumed session continues its instance). Mirroring calls run one at a time, in hook order;
 * waits (questions, idle) run beside them.
 */
export class MirroredSession {
  state: ClaudeState = "waiting_for_user";
  readonly #options: MirrorOptions;
  readonly #transcript: TranscriptReader | undefined;
  #session: Promise<Session> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #seen = new Set<string>();
  /** Final texts sent from the Stop hook before the transcript had them; skipped when read later. */
  readonly #sentEarly: string[] = [];
  /** The texts mirrored from the transcript since the current turn began (a prompt). */
  #turnTexts: string[] = [];
  #lastMessageId: string | undefined;
  #lastDiff: string | undefined;
  /** Replies that arrived while Claude was working; delivered when it stops. */
  #inbox: Message[] = [];
  /** A reply no waker was running to take; handed over when the next one starts. */
  #undelivered: string | undefined;
  #idleWait: AbortController | undefined;
  #prompt: OpenPrompt | undefined;
  #lastPreToolUse: ToolUse | undefined;
  readonly #uses = new Map<string, ToolUse>();
  readonly #heldWrites = new Map<string, ToolUse>();
  readonly #waker = new WakerSlot(() => this.#handOver());
  readonly #closed = new AbortController();
  /** Esc was typed for the dashboard's interrupt: the transcript's interrupt is ours, not the terminal's. */
  #interruptSent = false;

  constructor(
    readonly id: string,
    readonly cwd: string,
    transcriptPath: string | undefined,
    options: MirrorOptions,
  ) {
    this.#options = options;
    this.#transcript = transcriptPath ? new TranscriptReader(transcriptPath) : undefined;
    if (transcriptPath && !options.printMode) {
      watchFile(transcriptPath, { interval: TRANSCRIPT_POLL_MS, persistent: false }, () => void this.sync());
    }
  }

  /** A resumed session: its earlier history is on the dashboard already, or predates Omnara. */
  async skipHistory(): Promise<void> {
    await this.#transcript?.skipExisting();
  }

  /** Registers the instance (or resumes it) the first time something needs it. */
  start(name: string | undefined): Promise<Session> {
    this.#session ??= this.#options.omnara.session({
      agentType: AGENT_TYPE,
      instanceId: this.id,
      name: clip(name || `${basename(this.cwd)} (${this.id.slice(0, 8)})`, NAME_CHARS),
      metadata: { cwd: this.cwd, claude_session_id: this.id },
      // The dashboard's interrupt must reach Claude mid-stream, when no hook runs.
      watchControl: !this.#options.printMode,
    });
    void this.#session.then(
      (session) => {
        session.on("interrupt", () => this.#dashboardInterrupt());
        session.on("stop", () => this.#options.terminal?.stop());
      },
      () => {},
    );
    // A failed start (server down) is tried again by the next hook.
    this.#session.catch((error: unknown) => {
      this.#session = undefined;
      if (error instanceof PaymentRequiredError) this.#options.notice?.(limitNotice(error));
    });
    return this.#session;
  }

  /** Runs mirroring work in order; a failure is logged, never thrown at Claude Code. */
  #serial<T>(work: () => Promise<T>): Promise<T | undefined> {
    const next = this.#chain.then(work).catch((error: unknown) => {
      this.#options.log(`session ${this.id}: ${error instanceof Error ? error.message : String(error)}`);
      return undefined;
    });
    this.#chain = next;
    return next;
  }

  // ── Hook events ────────────────────────────────────────────────────────────────────────────

  /** Our background hook: held until a dashboard reply is to be handed to Claude. */
  waker(aborted: AbortSignal): Promise<HookAnswer> {
    if (this.#options.printMode || this.state === "ended") return Promise.resolve({ exitCode: 0 });
    return this.#waker.attach(aborted);
  }

  /** A prompt typed in the terminal: it ends any wait for a dashboard reply, and is mirrored. */
  userPrompt(prompt: string): Promise<void> {
    this.#working();
    return this.#serial(async () => {
      this.#newTurn();
      const session = await this.start(firstLine(prompt));
      await this.#sync();
      await this.#options.omnara.api.sendUserMessage({
        agent_instance_id: session.id,
        content: clip(prompt, limits.messageChars),
        mark_as_read: true,
      });
    }).then(() => undefined);
  }

  /** A prompt Claude Code queued itself (our own wake-up among them): Claude is at work again. */
  systemPrompt(): void {
    this.#working();
    void this.#serial(async () => this.#newTurn());
  }

  /** In the mirroring order, so a text read for the turn before is not taken for this turn's. */
  #newTurn(): void {
    this.#turnTexts = [];
  }

  preToolUse(use: ToolUse): Promise<void> {
    if (this.state !== "waiting_on_permission") this.#working();
    this.#lastPreToolUse = use;
    return this.sync();
  }

  /**
   * The tool ran (or failed running). If its permission question is still open, the terminal
   * answered it first: the question is closed as answered there.
   */
  async postToolUse(toolUseId: string | undefined, outcome: string | undefined): Promise<void> {
    const prompt = this.#prompt;
    if (prompt && toolUseId !== undefined && prompt.toolUseId === toolUseId) {
      if (outcome) prompt.terminalOutcome = outcome;
      prompt.ranInTerminal.abort();
    }
    await this.sync();
  }

  /**
   * A dialog in the terminal (permission, AskUserQuestion, plan approval), asked on the dashboard
   * at the same time. The first answer wins: a dashboard answer is returned to Claude Code; a
   * terminal "no"/Esc ends this hook (`aborted`); a terminal "yes" lets the tool run, which
   * PostToolUse reports.
   */
  async prompt(prompt: ClaudePrompt, aborted: AbortSignal): Promise<HookAnswer | undefined> {
    await this.sync();
    const session = await this.start(undefined);
    const use = this.#lastPreToolUse?.name === prompt.toolName ? this.#lastPreToolUse : undefined;
    const open: OpenPrompt = {
      toolUseId: use?.id,
      toolName: prompt.toolName,
      ranInTerminal: new AbortController(),
      terminalOutcome: prompt.allowedInTerminal,
    };
    this.#prompt = open;
    this.#cancelIdleWait();
    this.state = "waiting_on_permission";
    const signal = AbortSignal.any([aborted, open.ranInTerminal.signal, this.#closed.signal]);
    try {
      const answers: Answer[] = [];
      for (const question of prompt.questions) {
        const answer = await session.ask(question.text, { options: question.options, signal });
        if (answer.interrupted) {
          // The dashboard interrupted: Esc dismisses the terminal's dialog and Claude idles.
          this.state = "working";
          this.#prompt = undefined;
          this.#sendInterrupt();
          return undefined;
        }
        answers.push(answer);
      }
      this.state = "working";
      return prompt.decide(answers);
    } catch (error) {
      if (!signal.aborted) throw error;
      if (this.#closed.signal.aborted) return undefined;
      if (open.ranInTerminal.signal.aborted) {
        this.state = "working";
        await this.#serial(() =>
          this.#log(`Answered in the terminal: ${open.terminalOutcome}.`, {
            kind: "answered_in_terminal",
            decision: "allowed",
            tool_name: prompt.toolName,
          }),
        );
        return undefined;
      }
      // Claude Code ended the hook: the user said no (or pressed Esc) in the terminal, and
      // Claude now idles at "What should Claude do instead?" with no hook running.
      if (this.#prompt === open) this.#prompt = undefined;
      const noteId = await this.#serial(async () => {
        await this.#sync();
        return this.#log(
          `Answered in the terminal: ${prompt.deniedInTerminal}. Claude is waiting for you: reply here to tell it what to do instead.`,
          { kind: "answered_in_terminal", decision: "denied", tool_name: prompt.toolName },
        );
      });
      this.#idle("idle_after_interrupt", noteId);
      return undefined;
    } finally {
      if (this.#prompt === open) this.#prompt = undefined;
    }
  }

  /** Claude Code's idle notification: if we missed how Claude stopped, it waits now. */
  idleNotification(): void {
    if (this.state !== "working" || this.#prompt) return;
    void this.#serial(async () => {
      await this.#sync();
      return this.#log("Claude is waiting for you.", { kind: "idle" });
    }).then((id) => this.#idle("waiting_for_user", id));
  }

  /**
   * End of a turn: the last text is mirrored and the instance waits for the user, on that text.
   * The transcript may not hold the turn's tail yet: it is read until the last text shows up, so
   * what came before it (the last tool's output) is mirrored before it, not after the wait began
   * (a step after the wait would put the instance back to ACTIVE while Claude waits).
   */
  async endOfTurn(lastAssistantMessage: string | undefined): Promise<void> {
    await this.#serial(async () => {
      const last = lastAssistantMessage?.trim() || undefined;
      await this.#sync();
      const deadline = Date.now() + TURN_TAIL_WAIT_MS;
      const behind = () =>
        last !== undefined &&
        !this.#turnTexts.includes(last) &&
        this.#transcript?.exists === true &&
        this.state !== "ended" &&
        Date.now() < deadline;
      while (behind()) {
        await new Promise((resolve) => setTimeout(resolve, TURN_TAIL_POLL_MS));
        await this.#sync();
      }
      // Not in the transcript in time: sent from the hook, and skipped when the transcript has it.
      if (last && !this.#sentEarly.includes(last) && !this.#turnTexts.includes(last)) {
        this.#sentEarly.push(last);
        await this.#log(last, undefined);
      }
      if (!this.#lastMessageId) await this.#log("Claude finished its turn.", undefined);
    });
    this.#idle("waiting_for_user", undefined);
  }

  /** The turn ended on an API error (StopFailure): Claude idles, the user is told why. */
  async turnFailed(error: string | undefined): Promise<void> {
    const id = await this.#serial(async () => {
      await this.#sync();
      return this.#log(`Claude stopped: ${error || "the API request failed"}. Reply to try again.`, {
        kind: "turn_failed",
      });
    });
    this.#idle("waiting_for_user", id);
  }

  /** An auto-mode denial (PermissionDenied): Claude carries on; the dashboard says what was refused. */
  denied(toolName: string, reason: string | undefined): Promise<void> {
    return this.#serial(() =>
      this.#log(`Not allowed: ${toolName}${reason ? ` (${reason})` : ""}.`, { kind: "permission_denied" }),
    ).then(() => undefined);
  }

  /** Mirrors what the transcript gained since the last look. */
  sync(): Promise<void> {
    return this.#serial(() => this.#sync()).then(() => undefined);
  }

  /** Claude's session ended (exit, Ctrl+C, /clear): the instance is completed, never left waiting. */
  async end(): Promise<void> {
    this.state = "ended";
    this.#cancelIdleWait();
    this.#waker.close();
    if (this.#transcript) unwatchFile(this.#transcript.path);
    await this.#serial(async () => {
      await this.#sync();
      // Writes whose result never came (Claude exited mid-tool) are shown as they were asked.
      for (const use of this.#heldWrites.values()) {
        await this.#log(summarizeToolUse(use.name, use.input), { kind: "tool_use", tool_name: use.name });
      }
      this.#heldWrites.clear();
    });
    const session = this.#session;
    this.#closed.abort();
    if (!session) return;
    await session
      .then((s) => s.end({ status: "COMPLETED" }))
      .catch((error: unknown) => {
        this.#options.log(
          `session ${this.id}: could not end: ${error instanceof Error ? error.message : String(error)}`,
        );
      });
  }

  // ── Waiting and waking ─────────────────────────────────────────────────────────────────────

  #working(): void {
    this.#cancelIdleWait();
    if (this.state !== "ended") this.state = "working";
  }

  /**
   * Claude idles: replies that came meanwhile go to it at once; otherwise the instance waits on
   * the given message (or the last one) and the reply is handed to Claude through the waker.
   */
  #idle(state: "waiting_for_user" | "idle_after_interrupt", questionId: string | undefined): void {
    if (this.#options.printMode || this.state === "ended" || this.#prompt) return;
    this.state = state;
    const ready = this.#inbox.splice(0);
    if (ready.length > 0) {
      this.#deliver(ready.map((m) => m.content).join("\n\n"));
      return;
    }
    this.#cancelIdleWait();
    const wait = new AbortController();
    this.#idleWait = wait;
    const signal = AbortSignal.any([wait.signal, this.#closed.signal]);
    void (async () => {
      const session = await this.start(undefined);
      const id = questionId ?? this.#lastMessageId;
      if (!id) return;
      let answer = await session.requestInput(id, { signal });
      // An interrupt while Claude idles has no turn to stop: keep waiting for the reply.
      while (answer.interrupted) answer = await session.requestInput(id, { signal });
      if (this.#idleWait === wait) this.#idleWait = undefined;
      this.#deliver(answer.text);
    })().catch((error: unknown) => {
      if (!signal.aborted) this.#options.log(`session ${this.id}: wait: ${String(error)}`);
    });
  }

  /** The dashboard's interrupt: Esc while Claude works; idle, it already waits for the user. */
  #dashboardInterrupt(): void {
    if (this.state !== "working" || this.#prompt) return;
    this.#sendInterrupt();
  }

  #sendInterrupt(): void {
    this.#interruptSent = true;
    if (this.#options.terminal?.interrupt()) return;
    this.#interruptSent = false;
    void this.#serial(() =>
      this.#log("This Claude Code cannot be interrupted from the dashboard (it has no terminal of Omnara's).", {
        kind: "interrupt_unavailable",
      }),
    );
  }

  #cancelIdleWait(): void {
    this.#idleWait?.abort();
    this.#idleWait = undefined;
  }

  #deliver(reply: string): void {
    this.state = "working";
    if (!this.#waker.deliver(reply)) {
      // No waker is running (Claude Code dropped it); the next one to start takes the reply.
      this.#undelivered = this.#undelivered ? `${this.#undelivered}\n\n${reply}` : reply;
      this.#options.log(`session ${this.id}: reply kept until Claude Code starts a hook that can wake it`);
    }
  }

  #handOver(): void {
    const reply = this.#undelivered;
    if (reply === undefined || this.state === "ended") return;
    this.#undelivered = undefined;
    this.#deliver(reply);
  }

  // ── Mirroring ──────────────────────────────────────────────────────────────────────────────

  async #sync(): Promise<void> {
    if (!this.#transcript) return;
    for (const item of await this.#transcript.readNew()) await this.#mirror(item);
  }

  async #mirror(item: TranscriptItem): Promise<void> {
    if (this.#seen.has(item.key)) return;
    this.#seen.add(item.key);
    switch (item.kind) {
      case "text": {
        const early = this.#sentEarly.indexOf(item.text.trim());
        if (early >= 0) {
          this.#sentEarly.splice(early, 1);
          return;
        }
        await this.#log(item.text, undefined);
        this.#turnTexts.push(item.text.trim());
        return;
      }
      case "tool_use": {
        const use = { id: item.id, name: item.name, input: item.input };
        this.#uses.set(item.id, use);
        if (PROMPT_TOOLS.has(item.name)) return;
        if (WRITING_TOOLS.has(item.name)) {
          this.#heldWrites.set(item.id, use);
          return;
        }
        await this.#log(summarizeToolUse(item.name, item.input), {
          kind: "tool_use",
          tool_name: item.name,
          tool_use_id: item.id,
        });
        return;
      }
      case "tool_result": {
        const use = this.#uses.get(item.toolUseId);
        this.#uses.delete(item.toolUseId);
        const held = this.#heldWrites.get(item.toolUseId);
        this.#heldWrites.delete(item.toolUseId);
        // A refused tool never ran: the permission thread already says who said no.
        if (item.rejected || (use && PROMPT_TOOLS.has(use.name))) return;
        const result = { isError: item.isError, text: item.text };
        const message = held ? writeMessage(held, result) : toolResultMessage(use, result, item.toolUseId);
        await this.#log(message.content, message.metadata, { withDiff: !item.isError });
        return;
      }
      case "interrupted": {
        // Esc or Ctrl+C while Claude worked: no hook reports it; Claude idles at its prompt.
        if (this.state !== "working" || this.#prompt) return;
        this.state = "idle_after_interrupt";
        const where = this.#interruptSent ? "from the dashboard" : "in the terminal";
        this.#interruptSent = false;
        const id = await this.#log(
          `Interrupted ${where}. Claude is waiting for you: reply here to tell it what to do.`,
          { kind: "interrupted", from: where === "in the terminal" ? "terminal" : "dashboard" },
        );
        queueMicrotask(() => this.#idle("idle_after_interrupt", id));
        return;
      }
    }
  }

  async #log(text: string, metadata: Metadata | undefined, options: { withDiff?: boolean } = {}): Promise<string> {
    const session = await this.start(undefined);
    const diff = options.withDiff ? await workingTreeDiff(this.cwd) : undefined;
    const changed = diff !== undefined && diff !== this.#lastDiff;
    const sent = await session.log(clip(text, limits.messageChars), {
      ...(changed ? { gitDiff: diff } : {}),
      ...(metadata ? { metadata } : {}),
    });
    if (changed) this.#lastDiff = diff;
    this.#lastMessageId = sent.messageId;
    this.#inbox.push(...sent.replies);
    return sent.messageId;
  }
}
