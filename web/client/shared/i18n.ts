import type { MessageKey, Messages } from "../../../src/i18n/messages.ts";

/** The page's strings, rendered by the server into #i18n in the page's language. */
const strings: Messages = JSON.parse(document.getElementById("i18n")?.textContent ?? "{}");

export function t(key: MessageKey, values: Record<string, string | number> = {}): string {
  return (strings[key] ?? key).replace(/\{(\w+)\}/g, (_, name: string) => String(values[name] ?? `{${name}}`));
}

export const lang = document.documentElement.lang || "en";
