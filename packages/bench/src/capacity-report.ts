import type { CapacityResult } from "./capacity.ts";
import { ms } from "./stats.ts";

/** The capacity figures as the report's table. */
export function capacityLines(c: CapacityResult): string[] {
  const us = (value: number) => `${value.toFixed(2)} µs`;
  const ratio = (loaded: number, idle: number) => (idle > 0 ? `${(loaded / idle).toFixed(2)}×` : "—");
  return [
    `Capacity: ${c.waits} agents blocked in waitForReply + ${c.streams} dashboard streams, one server process (core over Postgres, bus by LISTEN/NOTIFY)`,
    "",
    "| measure | loaded | idle baseline (same run) | loaded / idle |",
    "|---|---|---|---|",
    `| reply stored → waiting agent woken, p50 / p99 | ${ms(c.wakeLoaded.p50)} / ${ms(c.wakeLoaded.p99)} | ${ms(c.wakeIdle.p50)} / ${ms(c.wakeIdle.p99)} | p99 ${ratio(c.wakeLoaded.p99, c.wakeIdle.p99)} |`,
    `| reply stored → on all of the user's open streams, p50 / p99 | ${ms(c.streamLoaded.p50)} / ${ms(c.streamLoaded.p99)} | ${ms(c.streamIdle.p50)} / ${ms(c.streamIdle.p99)} | p99 ${ratio(c.streamLoaded.p99, c.streamIdle.p99)} |`,
    `| in-process fan-out of one event, p50 / p99 | ${us(c.fanoutLoadedUs.p50)} / ${us(c.fanoutLoadedUs.p99)} | empty: ${us(c.fanoutEmptyUs.p50)} / ${us(c.fanoutEmptyUs.p99)} | p99 ${ratio(c.fanoutLoadedUs.p99, c.fanoutEmptyUs.p99)} |`,
    `| fan-out subscribe / unsubscribe, per subscriber | ${us(c.subscribeUs)} / ${us(c.unsubscribeUs)} | | |`,
    `| RSS | ${c.rssLoadedMiB.toFixed(0)} MiB | ${c.rssBaseMiB.toFixed(0)} MiB before the waits and streams | ${(c.bytesPerSubscriber / 1024).toFixed(1)} KiB per wait or stream |`,
    `| opening all waits / all streams (with their first reads) | ${c.openWaitsMs.toFixed(0)} ms / ${c.openStreamsMs.toFixed(0)} ms | | |`,
    `| aborting every wait and stream, until all returned | ${c.closeAllMs.toFixed(0)} ms | | |`,
    `| bus subscriptions left afterwards | ${c.leftSubscribed} | | ${c.leftSubscribed === 0 ? "✔" : "✘"} none leaked |`,
  ];
}
