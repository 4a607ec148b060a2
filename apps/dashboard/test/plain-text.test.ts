import { describe, expect, test } from "vitest";
import { COLLAPSE_CHARS, COLLAPSE_LINES, measureText } from "../src/lib/long-text.ts";
import { plainPreview } from "../src/lib/plain-text.ts";

describe("plainPreview", () => {
  test("headings, fences, emphasis, links, inline code and list markers leave their words only", () => {
    expect(
      plainPreview("## Plan\n```js\nconst a = 1;\n```\n- **Done** and _tidy_: [docs](https://x.dev) `npm test`"),
    ).toBe("Plan const a = 1; Done and tidy: docs npm test");
    expect(plainPreview("> quoted\n\n1. first\n2) second\n- [x] ticked\n\n---\n~~old~~ new")).toBe(
      "quoted first second ticked old new",
    );
    expect(plainPreview("| a | b |\n|---|:-:|\n| 1 | 2 |")).toBe("a b 1 2");
  });

  test("question markers and raw HTML tags are dropped; snake_case and 2*3*4 stay", () => {
    expect(plainPreview("Deploy? [YES/NO]")).toBe("Deploy?");
    expect(plainPreview("Pick\n[OPTIONS]\n1. A\n2. B\n[/OPTIONS]")).toBe("Pick A B");
    expect(plainPreview("<b>bold</b> my_var_name 2*3*4")).toBe("bold my_var_name 2*3*4");
  });

  test("a long text is cut with an ellipsis", () => {
    const preview = plainPreview("word ".repeat(500), 100);
    expect(preview).toHaveLength(100);
    expect(preview.endsWith("…")).toBe(true);
  });
});

describe("measureText", () => {
  test("short text is whole; more lines or characters than the limits is long, with a head", () => {
    expect(measureText("a\nb")).toEqual({ long: false, lines: 2, preview: "a\nb" });
    const manyLines = Array.from({ length: COLLAPSE_LINES + 1 }, (_, i) => `l${i}`).join("\n");
    const measured = measureText(manyLines);
    expect(measured.long).toBe(true);
    expect(measured.lines).toBe(COLLAPSE_LINES + 1);
    expect(measured.preview.split("\n").length).toBeLessThan(COLLAPSE_LINES);
    expect(manyLines.startsWith(measured.preview)).toBe(true);
    const oneLongLine = "x".repeat(COLLAPSE_CHARS + 1);
    expect(measureText(oneLongLine).long).toBe(true);
    expect(measureText(oneLongLine).preview.length).toBeLessThan(COLLAPSE_CHARS);
    expect(measureText("x".repeat(COLLAPSE_CHARS)).long).toBe(false);
  });
});
