import { localDateTimeAt, zoneOffset } from "../calendar.ts";
import type { TriggerKind } from "./trigger-kinds.ts";

/**
 * A step's message template (issue 17): text with placeholders in braces, filled per shopper
 * when the step is sent. Only the names below exist; any other brace pair is refused when the
 * sequence is saved ("unknown placeholder"), so a shopper never reads `{nmae}`. `{deadline}` is
 * when a presale's balance window closes, so only the presale reminders' triggers carry it.
 */
export const PLACEHOLDERS = ["name", "product", "coupon", "deadline"] as const;
export type Placeholder = (typeof PLACEHOLDERS)[number];
export type PlaceholderValues = Record<Placeholder, string>;

const BRACES = /\{([^{}]*)\}/g;

/** The triggers whose enrolments know a deadline to fill `{deadline}` with. */
export const DEADLINE_TRIGGERS: readonly TriggerKind[] = ["balance_window_opened", "balance_window_closing"];

/**
 * What is wrong with a template's placeholders, each once: `{coupon}` needs the step to grant a
 * coupon, `{deadline}` a trigger that carries one.
 */
export function placeholderProblems(text: string, step: { couponGranted: boolean; trigger: unknown }): string[] {
  const problems = new Set<string>();
  for (const [, name] of text.matchAll(BRACES)) {
    if (!(PLACEHOLDERS as readonly string[]).includes(name ?? "")) {
      problems.add(`unknown placeholder {${name}}: use ${PLACEHOLDERS.map((p) => `{${p}}`).join(", ")}`);
    } else if (name === "coupon" && !step.couponGranted) {
      problems.add("{coupon} needs the step to grant a coupon (couponTemplate)");
    } else if (name === "deadline" && !DEADLINE_TRIGGERS.includes(step.trigger as TriggerKind)) {
      problems.add(`{deadline} needs a trigger that has one: ${DEADLINE_TRIGGERS.join(" or ")}`);
    }
  }
  return [...problems];
}

/** The template with each placeholder filled; unknown ones (never saved) are left as written. */
export function renderTemplate(text: string, values: PlaceholderValues): string {
  return text.replace(BRACES, (whole, name: string) =>
    (PLACEHOLDERS as readonly string[]).includes(name) ? values[name as Placeholder] : whole,
  );
}

/**
 * A step's link with `{order}` filled by the order that raised the enrolment (issue 19: the
 * presale balance reminder links to the order to pay); with no order, the inbox itself (null).
 */
export function orderLink(link: string | null, orderId: string | undefined): string | null {
  if (link === null || !link.includes("{order}")) return link;
  return orderId ? link.replaceAll("{order}", encodeURIComponent(orderId)) : null;
}

const MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/**
 * A deadline as a message says it, in the shopper's zone: "11月28日 20:00" or
 * "Nov 28, 20:00 (UTC+8)". Built from the calendar's parts rather than Intl's own patterns,
 * which differ between ICU versions (Node's and workerd's).
 */
export function deadlineText(at: number, locale: "zh-CN" | "en", timeZone: string): string {
  const { month, day, hour, minute } = localDateTimeAt(at, timeZone);
  const time = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
  if (locale === "zh-CN") return `${month}月${day}日 ${time}`;
  const offsetMinutes = Math.round(zoneOffset(at, timeZone) / 60_000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const hours = Math.floor(Math.abs(offsetMinutes) / 60);
  const minutes = Math.abs(offsetMinutes) % 60;
  const offset = `UTC${sign}${hours}${minutes ? `:${String(minutes).padStart(2, "0")}` : ""}`;
  return `${MONTHS_EN[month - 1]} ${day}, ${time} (${offset})`;
}
