import { basename } from "node:path";
import { limits, type Message } from "@omnara/contracts";
import type { Omnara, Session } from "@omnara/sdk";
import { workingTreeDiff } from "./git-diff.ts";
import type { HookAnswer, PermissionRequest } from "./hook-input.ts";
import { permissionChoices, permissionDecision, permissionQuestion } from "./permission.ts";
import { summarizeToolUse } from "./summarize.ts";
import { type AssistantBlock, TranscriptReader } from "./transcript.ts";

export const AGENT_TYPE = "Claude Code";
const NAME_CHARS = 80;

const clip = (text: string, max: number): string => (text.length <= max ? text : `${text.slice(0, max - 1)}…`);
const firstLine = (text: string): string => text.trim().split("\n")[0]?.trim() ?? "";

export interface MirrorOptions {
  omnara: Omnara;
  /** `claude -p`: nobody waits at the end of a turn, the process exits. */
  printMode: boolean;
  log: (line: string) => void;
}

/**
 * One Claude Code session mirrored to one Omnara instance (same id as Claude's session id, so a
 * resumed session continues its instance). Mirroring calls run one at a time, in hook order;
 * waits (permission questions, end of turn) run beside them.
 */
export class MirroredSession {
  readonly #options: MirrorOptions;
  readonly #transcript: TranscriptReader | undefined;
  #session: Promise<Session> | undefined;
  #chain: Promise<unknown> = Promise.resolve();
  readonly #seen = new Set<string>();
  /** Final texts sent from the Stop hook before the transcript had them; skipped when read later. */
  readonly #sentEarly: string[] = [];
  #lastMessageId: string | undefined;
  #lastDiff: string | undefined;
  /** Replies that arrived while Claude was working; delivered at the end of the turn. */
  #inbox: Message[] = [];
  #turnWait: AbortController | undefined;
  readonly #closed = new AbortController();

  constructor(
    readonly id: string,
    readonly cwd: string,
    transcriptPath: string | undefined,
    options: MirrorOptions,
  ) {
    this.#options = options;
    this.#transcript = transcriptPath ? new TranscriptReader(transcriptPath) : undefined;
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
    });
    // A failed start (server down) is tried again by the next hook.
    this.#session.catch(() => {
      this.#session = undefined;
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

  /** A prompt typed in the terminal: it ends any wait for a dashboard reply, and is mirrored. */
  userPrompt(prompt: string): Promise<void> {
    this.cancelTurnWait();
    return this.#serial(async () => {
      const session = await this.start(firstLine(prompt));
      await this.#sync();
      await this.#options.omnara.api.sendUserMessage({
        agent_instance_id: session.id,
        content: clip(prompt, limits.messageChars),
        mark_as_read: true,
      });
    }).then(() => undefined);
  }

  /** Mirrors what the transcript gained since the last look (assistant text and tool uses). */
  sync(): Promise<void> {
    return this.#serial(() => this.#sync()).then(() => undefined);
  }

  async #sync(): Promise<void> {
    if (!this.#transcript) return;
    for (const block of await this.#transcript.readNew()) await this.#mirror(block);
  }

  async #mirror(block: AssistantBlock): Promise<void> {
    if (this.#seen.has(block.key)) return;
    this.#seen.add(block.key);
    if (block.kind === "text") {
      const early = this.#sentEarly.indexOf(block.text.trim());
      if (early >= 0) {
        this.#sentEarly.splice(early, 1);
        return;
      }
      await this.#log(block.text, undefined);
      this.#remember(block.text.trim());
    } else {
      await this.#log(summarizeToolUse(block.name, block.input), {
        kind: "tool_use",
        tool_name: block.name,
        tool_use_id: block.id,
      });
    }
  }

  async #log(text: string, metadata: Record<string, string> | undefined): Promise<void> {
    const session = await this.start(undefined);
    const diff = await workingTreeDiff(this.cwd);
    const changed = diff !== undefined && diff !== this.#lastDiff;
    const sent = await session.log(clip(text, limits.messageChars), {
      ...(changed ? { gitDiff: diff } : {}),
      ...(metadata ? { metadata } : {}),
    });
    if (changed) this.#lastDiff = diff;
    this.#lastMessageId = sent.messageId;
    this.#inbox.push(...sent.replies);
  }

  /**
   * A permission dialog: asks on the dashboard with Allow / Allow for this session / Deny. The
   * terminal dialog is up at the same time; if the user answers there, Claude Code ends this
   * hook (`aborted`) and the dashboard is told.
   */
  async permission(request: PermissionRequest, aborted: AbortSignal): Promise<HookAnswer | undefined> {
    await this.sync();
    const session = await this.start(undefined);
    const signal = AbortSignal.any([aborted, this.#closed.signal]);
    try {
      const answer = await session.ask(permissionQuestion(request), { options: permissionChoices, signal });
      return permissionDecision(request, answer.option, answer.text);
    } catch (error) {
      if (!signal.aborted) throw error;
      if (aborted.aborted && !this.#closed.signal.aborted) {
        void this.#serial(() => this.#log("Answered in the terminal.", { kind: "permission_answered_in_terminal" }));
      }
      return undefined;
    }
  }

  /**
   * End of a turn: the last text is mirrored, the instance waits for input, and a dashboard reply
   * wakes Claude (exit code 2 of the background Stop hook). A prompt typed in the terminal, the
   * session's end, or Claude Code dropping the hook ends the wait quietly.
   */
  async endOfTurn(lastAssistantMessage: string | undefined, aborted: AbortSignal): Promise<HookAnswer> {
    const ready = await this.#serial(async () => {
      await this.#sync();
      const last = lastAssistantMessage?.trim();
      if (last && !this.#sentEarly.includes(last) && !this.#recentlySent(last)) {
        this.#sentEarly.push(last);
        await this.#log(last, undefined);
      }
      if (!this.#lastMessageId) await this.#log("Claude finished its turn.", undefined);
      return this.#inbox.splice(0);
    });
    if (this.#options.printMode || ready === undefined) return { exitCode: 0 };
    if (ready.length > 0) return this.#wake(ready.map((m) => m.content).join("\n\n"));

    this.cancelTurnWait();
    const wait = new AbortController();
    this.#turnWait = wait;
    const signal = AbortSignal.any([wait.signal, aborted, this.#closed.signal]);
    try {
      const session = await this.start(undefined);
      const questionId = this.#lastMessageId;
      if (!questionId) return { exitCode: 0 };
      const answer = await session.requestInput(questionId, { signal });
      return this.#wake(answer.text);
    } catch (error) {
      if (signal.aborted) return { exitCode: 0 };
      throw error;
    } finally {
      if (this.#turnWait === wait) this.#turnWait = undefined;
    }
  }

  /** Texts mirrored from the transcript lately, so the Stop hook's copy is not sent twice. */
  readonly #lastTexts: string[] = [];
  #remember(text: string): void {
    this.#lastTexts.push(text);
    if (this.#lastTexts.length > 20) this.#lastTexts.shift();
  }
  #recentlySent(text: string): boolean {
    return this.#lastTexts.includes(text);
  }

  #wake(reply: string): HookAnswer {
    return { exitCode: 2, stderr: reply };
  }

  cancelTurnWait(): void {
    this.#turnWait?.abort();
    this.#turnWait = undefined;
  }

  /** Claude's session ended (exit, Ctrl+C, /clear): the instance is completed, never left waiting. */
  async end(): Promise<void> {
    this.cancelTurnWait();
    await this.#serial(() => this.#sync());
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
}
