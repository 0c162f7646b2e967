import { PRESALE_BALANCE_TRIGGERS, type TriggerKind } from "./trigger-kinds.ts";

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
    } else if (name === "deadline" && !(PRESALE_BALANCE_TRIGGERS as readonly TriggerKind[]).includes(step.trigger as TriggerKind)) {
      problems.add(`{deadline} needs a trigger that has one: ${PRESALE_BALANCE_TRIGGERS.join(" or ")}`);
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
