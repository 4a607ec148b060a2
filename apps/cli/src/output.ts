import { CliError } from "./cli-error.ts";

/** Data for scripts on stdout (one JSON document); everything for people goes to stderr. */
export const printJson = (value: unknown): void => {
  process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
};

export const say = (line: string): void => {
  process.stderr.write(`${line}\n`);
};

/** Prints a failure the way the caller asked for it and returns the exit code. */
export function reportFailure(error: unknown, json: boolean): number {
  const failure =
    error instanceof CliError
      ? { code: error.code, message: error.message, hint: error.hint }
      : { code: "INTERNAL", message: error instanceof Error ? error.message : String(error), hint: undefined };
  if (json) {
    printJson({ error: failure });
  } else {
    say(`omnara: ${failure.message}`);
    if (failure.hint) say(`  ${failure.hint}`);
  }
  return 1;
}
