export interface QuietHoursSetting {
  enabled: boolean;
  /** "HH:MM" in timeZone. */
  start: string;
  end: string;
  timeZone: string;
}

const minutesOf = (clock: string): number => {
  const [hours = 0, minutes = 0] = clock.split(":").map(Number);
  return hours * 60 + minutes;
};

/** Minutes since midnight at `at` on the wall clock of `timeZone`. */
function wallClockMinutes(at: Date, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).formatToParts(at);
  const value = (type: string) => Number(parts.find((part) => part.type === type)?.value ?? 0);
  return value("hour") * 60 + value("minute");
}

/** Whether `at` falls in the quiet period; a start after the end spans midnight (22:00–07:00). */
export function isQuietTime(at: Date, quiet: QuietHoursSetting): boolean {
  if (!quiet.enabled) return false;
  const start = minutesOf(quiet.start);
  const end = minutesOf(quiet.end);
  if (start === end) return false;
  const now = wallClockMinutes(at, quiet.timeZone);
  return start < end ? now >= start && now < end : now >= start || now < end;
}
