import type { Omnara } from "@omnara/sdk";
import {
  type HookAnswer,
  type HookEvent,
  PermissionRequestInput,
  proceed,
  SessionEndInput,
  SessionStartInput,
  StopInput,
  ToolHookInput,
  UserPromptSubmitInput,
} from "./hook-input.ts";
import { MirroredSession } from "./mirrored-session.ts";

/** Prompts Claude Code queues itself (our own wake-ups among them): not something the user typed. */
const isSystemPrompt = (prompt: string): boolean => prompt.trimStart().startsWith("<task-notification>");

export interface BridgeOptions {
  omnara: Omnara;
  printMode: boolean;
  /** Claude Code's working directory, for sessions whose hooks do not say. */
  cwd: string;
  log: (line: string) => void;
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
        if (!isSystemPrompt(input.prompt)) await this.#session(input).userPrompt(input.prompt);
        return proceed;
      }
      case "PreToolUse":
      case "PostToolUse":
        await this.#session(ToolHookInput.parse(body)).sync();
        return proceed;
      case "PermissionRequest": {
        const input = PermissionRequestInput.parse(body);
        return (await this.#session(input).permission(input, aborted)) ?? proceed;
      }
      case "Stop": {
        const input = StopInput.parse(body);
        return this.#session(input).endOfTurn(input.last_assistant_message, aborted);
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
