// A small release agent: it reports its steps, follows its human's feedback, asks before the
// risky step, and ends its session truthfully however it stops.
//
//   OMNARA_API_KEY=... OMNARA_BASE_URL=http://127.0.0.1:8080 npx tsx packages/sdk/examples/release-agent.ts
import { Omnara, TimeoutError } from "@omnara/sdk";

const stop = new AbortController();
process.once("SIGINT", () => stop.abort(new Error("interrupted")));

const omnara = new Omnara({
  onBackgroundError: (error) => console.warn(`[omnara] ${error.message}`),
});
const session = await omnara.session({
  agentType: "Release bot",
  name: `release ${new Date().toISOString().slice(0, 10)}`,
});
console.log(`Follow along on the dashboard: instance ${session.id}`);

/** Logs a step; anything the human wrote meanwhile is printed (a real agent would act on it). */
async function step(text: string): Promise<void> {
  const { replies } = await session.log(text, { signal: stop.signal });
  for (const reply of replies) console.log(`human says: ${reply.content}`);
}

try {
  await step("Running the test suite");
  await step("Building the release artifacts");

  const target = await session.ask("Where should this release go?", {
    options: ["staging", "production"],
    timeoutMs: 15 * 60_000,
    defaultAnswer: "staging",
    signal: stop.signal,
  });
  await step(`Deploying to ${target.option ?? target.text}${target.isDefault ? " (no answer; the safe default)" : ""}`);

  const notes = await session.ask("Anything to add to the release notes?", {
    timeoutMs: 5 * 60_000,
    signal: stop.signal,
  });
  await step(`Release notes: ${notes.text}`);
  await session.end({ status: "COMPLETED" });
} catch (error) {
  if (stop.signal.aborted) {
    await session.end({ status: "DISCONNECTED" });
  } else if (error instanceof TimeoutError) {
    await session.log("No answer about the release notes; publishing without them");
    await session.end({ status: "COMPLETED" });
  } else {
    await session.end({ status: "FAILED" }).catch(() => {});
    throw error;
  }
}
