/** Why a command failed, as a stable code scripts can switch on (printed with --json). */
export type CliErrorCode =
  | "NOT_SIGNED_IN"
  | "SERVER_UNREACHABLE"
  | "BAD_API_KEY"
  | "SERVER_ERROR"
  | "CLAUDE_NOT_FOUND"
  | "LOGIN_DENIED"
  | "LOGIN_EXPIRED"
  | "INVALID_ARGUMENT"
  | "DATA_DIR_IN_USE"
  | "NOT_AVAILABLE";

/** An error the user can act on: a message, and a hint saying what to do next. */
export class CliError extends Error {
  override name = "CliError";

  constructor(
    readonly code: CliErrorCode,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}
