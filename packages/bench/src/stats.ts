/** Percentile by nearest rank over a sample of durations in ms. */
export function percentile(samples: readonly number[], p: number): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] ?? Number.NaN;
}

export interface Summary {
  rounds: number;
  p50: number;
  p99: number;
  max: number;
}

export const summarize = (samples: readonly number[]): Summary => ({
  rounds: samples.length,
  p50: percentile(samples, 50),
  p99: percentile(samples, 99),
  max: Math.max(...samples),
});

export const ms = (value: number): string => `${value.toFixed(2)} ms`;

/** Runs `worker` on `concurrency` lanes until `durationMs` passes; returns completed calls/s. */
export async function rate(
  concurrency: number,
  durationMs: number,
  worker: (lane: number) => Promise<void>,
): Promise<number> {
  const deadline = performance.now() + durationMs;
  let done = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async (_, lane) => {
      while (performance.now() < deadline) {
        await worker(lane);
        done += 1;
      }
    }),
  );
  return done / ((performance.now() - started) / 1000);
}
