import { html } from "hono/html";
import type { Placement } from "../../../src/ads/campaign.ts";
import { messages, type Lang } from "../../../src/i18n/messages.ts";
import type { Markup } from "./layout.ts";

/**
 * An ad slot on a page (issue 18): an empty, hidden placeholder the page's script fills from
 * `GET /api/ads` (web/client/shared/ad-slot.ts). The pages are edge-cached and shared by every
 * shopper, so the ad (per shopper: targeting, frequency cap) is never in the cached HTML.
 */
export function adSlot(lang: Lang, placement: Placement): Markup {
  return html`<aside class="ad-slot ad-${placement}" data-ad-placement="${placement}" aria-label="${messages(lang).ad_slotLabel}" hidden></aside>`;
}
