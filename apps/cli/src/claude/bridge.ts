import type { Omnara } from "@omnara/sdk";
import {
  type HookAnswer,
  type HookEvent,
  NotificationInput,
  PermissionDeniedInput,
  PermissionRequestInput,
  PostToolUseFailureInput,
  PostToolUseInput,
  proceed,
  SessionEndInput,
  SessionStartInput,
  StopFailureInput,
  StopInput,
  ToolHookInput,
  UserPromptSubmitInput,
} from "./hook-input.ts";
import { type ClaudeControl, MirroredSession } from "./mirrored-session.ts";
import { promptFor, terminalOutcome } from "./prompts.ts";

/** Prompts Claude Code queues itself (our own wake-ups among them): not something the user typed. */
const isSystemPrompt = (prompt: string): boolean => prompt.trimStart().startsWith("<task-notification>");

export interface BridgeOptions {
  omnara: Omnara;
  printMode: boolean;
  /** Claude Code's working directory, for sessions whose hooks do not say. */
  cwd: string;
  log: (line: string) => void;
  notice?: ((line: string) => void) | undefined;
  /** Claude Code's terminal, for the dashboard's interrupt and stop. */
  terminal?: ClaudeControl | undefined;
}

/** Routes Claude Code's hook events to the mirrored session each belongs to. */
export class ClaudeBridge {
  readonly #sessions = new Map<string, MirroredSession>();

  constructor(readonly options: BridgeOptions) {}

  #session(input: {
    session_id: string;
    cwd?: string | undefined;
    transcript_path?: string | undefined;
  }): MirroredSession {
    let session = this.#sessions.get(input.session_id);
    if (!session) {
      session = new MirroredSession(
        input.session_id,
        input.cwd ?? this.options.cwd,
        input.transcript_path,
        this.options,
      );
      this.#sessions.set(input.session_id, session);
    }
    return session;
  }

  async handle(event: HookEvent, body: unknown, aborted: AbortSignal): Promise<HookAnswer> {
    switch (event) {
      case "Waker":
        return this.#session(SessionStartInput.parse(body)).waker(aborted);
      case "SessionStart": {
        const input = SessionStartInput.parse(body);
        const isNew = !this.#sessions.has(input.session_id);
        const session = this.#session(input);
        if (isNew && input.source !== "startup" && input.source !== "clear") {
          // --resume / --continue: the instance comes back at once, without re-sending history.
          await session.skipHistory();
          await session.start(undefined);
        }
        return proceed;
      }
      case "UserPromptSubmit": {
        const input = UserPromptSubmitInput.parse(body);
        const session = this.#session(input);
        if (isSystemPrompt(input.prompt)) session.systemPrompt();
        else await session.userPrompt(input.prompt);
        return proceed;
      }
      case "PreToolUse": {
        const input = ToolHookInput.parse(body);
        await this.#session(input).preToolUse({
          id: input.tool_use_id ?? "",
          name: input.tool_name,
          input: input.tool_input,
        });
        return proceed;
      }
      case "PostToolUse": {
        const input = PostToolUseInput.parse(body);
        await this.#session(input).postToolUse(
          input.tool_use_id,
          terminalOutcome(input.tool_name, input.tool_response),
        );
        return proceed;
      }
      case "PostToolUseFailure": {
        const input = PostToolUseFailureInput.parse(body);
        await this.#session(input).postToolUse(input.tool_use_id, undefined);
        return proceed;
      }
      case "PermissionRequest": {
        const input = PermissionRequestInput.parse(body);
        return (await this.#session(input).prompt(promptFor(input), aborted)) ?? proceed;
      }
      case "PermissionDenied": {
        const input = PermissionDeniedInput.parse(body);
        await this.#session(input).denied(input.tool_name, input.reason);
        return proceed;
      }
      case "Notification": {
        const input = NotificationInput.parse(body);
        if (input.notification_type === "idle_prompt") this.#session(input).idleNotification();
        return proceed;
      }
      case "Stop": {
        const input = StopInput.parse(body);
        await this.#session(input).endOfTurn(input.last_assistant_message);
        return proceed;
      }
      case "StopFailure": {
        const input = StopFailureInput.parse(body);
        await this.#session(input).turnFailed(input.error);
        return proceed;
      }
      case "SessionEnd": {
        const input = SessionEndInput.parse(body);
        const session = this.#sessions.get(input.session_id);
        this.#sessions.delete(input.session_id);
        await session?.end();
        return proceed;
      }
    }
  }

  /** Claude Code exited: every session still open is completed. */
  async closeAll(): Promise<void> {
    const open = [...this.#sessions.values()];
    this.#sessions.clear();
    await Promise.all(open.map((session) => session.end()));
  }
}
