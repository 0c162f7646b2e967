import type { Lang } from "../i18n/messages.ts";

const SECOND = 1_000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/**
 * A presale's countdowns run for days (deposit window to balance window), so unlike the flash
 * sale's millisecond canvas they show whole days and then hh:mm:ss: "2天 03:04:05" / "2d 03:04:05",
 * "03:04:05" under a day. Rounded up to the second, so "00:00:00" shows only at the instant itself
 * and never while there is still time left; nothing negative.
 */
export function countdownText(ms: number, lang: Lang): string {
  const total = Math.max(0, Math.ceil(ms / SECOND)) * SECOND;
  const days = Math.floor(total / DAY);
  const rest = total - days * DAY;
  const clock = [Math.floor(rest / HOUR), Math.floor((rest % HOUR) / MINUTE), Math.floor((rest % MINUTE) / SECOND)]
    .map((n) => String(n).padStart(2, "0"))
    .join(":");
  if (days === 0) return clock;
  return lang === "zh-CN" ? `${days}天 ${clock}` : `${days}d ${clock}`;
}

/** A moment as the shopper reads it, in the shop's time zone (Asia/Shanghai): "11月11日 20:00" / "11 Nov, 20:00". */
export function deadlineText(at: number, lang: Lang): string {
  return new Intl.DateTimeFormat(lang === "zh-CN" ? "zh-CN" : "en-GB", {
    timeZone: "Asia/Shanghai",
    month: "short",
    day: "numeric",
    hour: "2-digit",
    minute: "2-digit",
    hourCycle: "h23",
  }).format(at);
}
