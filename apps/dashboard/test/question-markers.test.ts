import { describe, expect, test } from "vitest";
import { parseQuestion } from "../src/lib/question-markers.ts";

describe("parseQuestion", () => {
  test("a trailing [YES/NO] becomes Yes and No, and leaves the text", () => {
    expect(parseQuestion("Deploy to production? [YES/NO]")).toEqual({
      text: "Deploy to production?",
      choices: ["Yes", "No"],
      kind: "yes-no",
    });
    expect(parseQuestion("Deploy?\n\n[yes/no]  \n").kind).toBe("yes-no");
  });

  test("[YES/NO] in the middle of a message is text, not a marker", () => {
    expect(parseQuestion("Type [YES/NO] to answer")).toEqual({
      text: "Type [YES/NO] to answer",
      choices: [],
      kind: "none",
    });
  });

  test("an [OPTIONS] block lists numbered, bulleted or bare choices and is scrubbed", () => {
    const parsed = parseQuestion("Which database?\n[OPTIONS]\n1. Postgres\n2) SQLite\n- MySQL\nDuckDB\n\n[/OPTIONS]");
    expect(parsed).toEqual({
      text: "Which database?",
      choices: ["Postgres", "SQLite", "MySQL", "DuckDB"],
      kind: "options",
    });
  });

  test("text after the options block is kept", () => {
    const parsed = parseQuestion("Pick one:\n[OPTIONS]\n1. A\n2. B\n[/OPTIONS]\nOr tell me something else.");
    expect(parsed.text).toBe("Pick one:\n\nOr tell me something else.");
    expect(parsed.choices).toEqual(["A", "B"]);
  });

  test("an empty options block or unclosed marker gives no buttons", () => {
    expect(parseQuestion("x [OPTIONS]\n[/OPTIONS]").choices).toEqual([]);
    expect(parseQuestion("x [OPTIONS]\n1. a").kind).toBe("none");
  });

  test("plain text has no choices", () => {
    expect(parseQuestion("What should the release be called?")).toEqual({
      text: "What should the release be called?",
      choices: [],
      kind: "none",
    });
  });
});
