/**
 * The RFM runs' settings (issue 17), from the Worker's vars: how often the schedule recomputes
 * (RFM_INTERVAL_HOURS, default 24: the Cron Trigger fires every minute and a run starts when the
 * last one is older than this) and the window frequency and monetary count (RFM_WINDOW_DAYS,
 * default 365). A value that is not a positive whole number is logged and its default used.
 */
export interface RfmSettings {
  intervalMs: number;
  windowDays: number;
}

export const RFM_DEFAULTS = { intervalHours: 24, windowDays: 365 } as const;

export function rfmSettings(env: { RFM_INTERVAL_HOURS?: string; RFM_WINDOW_DAYS?: string }): RfmSettings {
  return {
    intervalMs: positive("RFM_INTERVAL_HOURS", env.RFM_INTERVAL_HOURS, RFM_DEFAULTS.intervalHours) * 3_600_000,
    windowDays: positive("RFM_WINDOW_DAYS", env.RFM_WINDOW_DAYS, RFM_DEFAULTS.windowDays),
  };
}

function positive(name: string, value: string | undefined, fallback: number): number {
  const text = value?.trim() ?? "";
  if (text === "") return fallback;
  const n = Number(text);
  if (Number.isSafeInteger(n) && n > 0) return n;
  console.error(`${name}="${text}" is not a positive whole number; using ${fallback}`);
  return fallback;
}
