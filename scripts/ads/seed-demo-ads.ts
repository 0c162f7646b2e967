import { recordAdImage } from "../../src/ads/ad-images.ts";
import { adCampaignHistoryPrefix, adCampaignKey, adCampaignSchema } from "../../src/ads/campaign.ts";
import { demoAdCampaign } from "../../src/ads/demo-ads.ts";
import { sniffImage } from "../../src/ads/image-sniff.ts";
import { type DatabaseSettings, withDatabase } from "../../src/db/client.ts";
import { historyKeyOf } from "../../src/kv/history-key.ts";
import { demoCreativePng } from "./demo-creative.ts";
import { renderQueuedCreatives } from "./render-creatives.ts";

/**
 * The demo ad (issue 18) for `npm start`: its creative image generated with sharp, kept in local
 * Postgres (the same bytes each start, so the same image: `ad_images.sha256` is unique) and
 * rendered now at every size; then the campaign's KV entries (current and version 1), which the
 * caller writes only when local KV has none, so the console's edits survive restarts.
 */
export async function seedDemoAds(settings: DatabaseSettings, now = Date.now()): Promise<Array<{ key: string; value: string }>> {
  const png = await demoCreativePng();
  const sniffed = sniffImage(png);
  if (!sniffed.ok) throw new Error(`the demo creative is not an image: ${sniffed.problems.join("; ")}`);
  const imageId = await withDatabase(settings, async (db) => {
    const { image } = await recordAdImage(db, { bytes: png, image: sniffed.image, name: "demo-double11.png", actor: "seed", at: now });
    if (image.status !== "rendered") await renderQueuedCreatives(db, { only: [image.id], now: () => now });
    return image.id;
  });
  const campaign = adCampaignSchema.parse(demoAdCampaign(now, imageId));
  const value = JSON.stringify(campaign);
  return [
    { key: adCampaignKey(campaign.id), value },
    { key: historyKeyOf(adCampaignHistoryPrefix(campaign.id), campaign.version), value },
  ];
}
