import { lang, t } from "./i18n.ts";

/**
 * Fills the page's ad slots (issue 18, workers/storefront/pages/ad-slot.ts) from `GET /api/ads`:
 * one request per slot, answered 200 with the shopper's ad (already counted as an impression)
 * or 204 with nothing, when the slot stays hidden. The image is the size the server chose for
 * this device (Client Hints), WebP with a JPEG fallback, its alternative text the headline.
 */

interface Ad {
  placement: string;
  headline: string;
  alt: string;
  image: { url: string; fallbackUrl: string; width: number; height: number };
  clickUrl: string;
}

/** Fills every `[data-ad-placement]` slot on the page; a slot whose request fails stays hidden. */
export async function fillAdSlots(root: ParentNode = document): Promise<void> {
  const locale = lang === "zh-CN" ? "zh-CN" : "en";
  await Promise.all(
    [...root.querySelectorAll<HTMLElement>("[data-ad-placement]")].map(async (slot) => {
      try {
        const query = new URLSearchParams({ placement: slot.dataset.adPlacement!, locale });
        const response = await fetch(`/api/ads?${query}`, { cache: "no-store", credentials: "same-origin" });
        if (response.status !== 200) return;
        renderAd(slot, (await response.json()) as Ad);
      } catch {
        // No ad is no harm: the slot stays hidden.
      }
    }),
  );
}

function renderAd(slot: HTMLElement, ad: Ad): void {
  const link = document.createElement("a");
  link.href = ad.clickUrl;
  link.className = "ad-link";
  const picture = document.createElement("picture");
  const webp = document.createElement("source");
  webp.type = "image/webp";
  webp.srcset = ad.image.url;
  const img = document.createElement("img");
  img.src = ad.image.fallbackUrl;
  img.alt = ad.alt;
  img.width = ad.image.width;
  img.height = ad.image.height;
  img.decoding = "async";
  picture.append(webp, img);
  const caption = document.createElement("span");
  caption.className = "ad-headline";
  caption.textContent = ad.headline;
  const label = document.createElement("small");
  label.className = "ad-label";
  label.textContent = t("ad_label");
  link.append(picture, caption, label);
  slot.replaceChildren(link);
  slot.hidden = false;
  slot.dataset.adState = "shown";
}
