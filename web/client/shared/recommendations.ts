import type { RecommendationsAnswer as RecommendationsBody } from "../../../src/recs/serving.ts";
import { pageEvents } from "./events.ts";
import { lang, t } from "./i18n.ts";

/**
 * Fills the page's "Recommended for you" shelf (issue 18, part E; markup:
 * workers/storefront/pages/recommended-section.ts). Asked once the shopper's session exists
 * (`after`): asked together with the page's first session call, a new shopper would be issued
 * two identities. Each card shown is recorded as a `rec_impression` and a tap as a `rec_click`
 * (sent at once: the tap leaves the page), with the arm and what ranked it, so the console can
 * read a CTR per arm. Nothing to show, or the call failing, leaves the shelf hidden.
 */
export async function mountRecommendations(page: "home" | "sale", sku: string | null, after: Promise<unknown>): Promise<void> {
  const section = document.getElementById("recs");
  const list = document.getElementById("recs-list");
  if (!section || !list) return;
  await after.catch(() => {});
  let body: RecommendationsBody;
  try {
    const query = new URLSearchParams({ page, locale: lang === "zh-CN" ? "zh-CN" : "en", ...(sku ? { sku } : {}) });
    const response = await fetch(`/api/recommendations?${query}`, { cache: "no-store", credentials: "same-origin" });
    if (!response.ok) throw new Error(String(response.status));
    body = (await response.json()) as RecommendationsBody;
  } catch {
    section.dataset.recs = "failed";
    return;
  }
  section.dataset.arm = body.arm;
  section.dataset.source = body.source;
  list.replaceChildren(
    ...body.items.map((item, position) => {
      const common = {
        sku: item.sku,
        arm: body.arm,
        source: body.source,
        position,
        ...(body.modelVersion ? { modelVersion: body.modelVersion } : {}),
      };
      const card = document.createElement("li");
      card.className = "rec-card";
      card.dataset.sku = item.sku;
      const link = document.createElement("a");
      link.href = item.url;
      if (item.image) {
        const img = document.createElement("img");
        img.src = item.image;
        img.width = 480;
        img.height = 480;
        img.alt = "";
        img.loading = "lazy";
        link.append(img);
      }
      const title = document.createElement("strong");
      title.className = "rec-title";
      title.textContent = item.title;
      const reason = document.createElement("small");
      reason.className = `rec-reason rec-reason-${item.reason.kind}`;
      reason.textContent = item.reason.kind === "viewed" ? t("recs_because", { title: item.reason.title }) : t("recs_popular");
      link.append(title, reason);
      link.addEventListener("click", () => {
        pageEvents.record({ type: "rec_click", ...common });
        pageEvents.flush();
      });
      card.append(link);
      pageEvents.record({ type: "rec_impression", ...common });
      return card;
    }),
  );
  section.hidden = body.items.length === 0;
  section.dataset.recs = "ready";
}
