import Bowser from "bowser";
import type { DeviceClass } from "./event.ts";

/**
 * A request's device class, for events and (issue 18) ad sizes. User-Agent Client Hints first:
 * `Sec-CH-UA-Mobile: ?1` is a phone, whatever the User-Agent string claims. Otherwise the
 * User-Agent, parsed by bowser (MIT; ua-parser-js 2 is AGPL). Crawlers are `bot`, so a
 * search engine's visits do not count as shoppers'.
 */
export function deviceClass(userAgent: string | null | undefined, mobileHint?: string | null): DeviceClass {
  if (mobileHint?.trim() === "?1") return "phone";
  if (!userAgent) return "unknown";
  const parsed = Bowser.parse(userAgent);
  switch (parsed.platform.type) {
    case "mobile":
      return "phone";
    case "tablet":
      return "tablet";
    case "desktop":
      return "desktop";
    case "bot":
      return "bot";
    default:
      return BOT.test(userAgent) ? "bot" : mobileHint?.trim() === "?0" ? "desktop" : "unknown";
  }
}

const BOT = /bot|crawler|spider|crawling|slurp|headless/i;
