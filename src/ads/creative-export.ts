import { type AdCampaign, adImageUrl, OFFSITE_CHANNELS, type OffsiteChannel } from "./campaign.ts";

/**
 * A campaign's creative set for an off-site channel (issue 18), pure: for each creative, its
 * image at every size the channel takes (WebP and JPEG, absolute URLs on this shop), its
 * headline in both languages and its target (made absolute when it is a path on this shop), so a
 * marketer can hand it to WeChat, Douyin or Weibo's ad tools.
 */
export type CreativeSetManifest = {
  campaignId: string;
  campaignVersion: number;
  channel: OffsiteChannel;
  creatives: Array<{
    id: string;
    variant: string;
    headline: { "zh-CN": string; en: string };
    targetUrl: string;
    images: Array<{ width: number; height: number; webp: string; jpg: string }>;
  }>;
};

export function creativeSetManifest(campaign: AdCampaign, channel: OffsiteChannel, origin: string): CreativeSetManifest {
  const absolute = (path: string) => new URL(path, origin).toString();
  return {
    campaignId: campaign.id,
    campaignVersion: campaign.version,
    channel,
    creatives: campaign.creatives.map((creative) => ({
      id: creative.id,
      variant: creative.variant,
      headline: creative.headline,
      targetUrl: creative.targetUrl.startsWith("/") ? absolute(creative.targetUrl) : creative.targetUrl,
      images: OFFSITE_CHANNELS[channel].map((size) => ({
        width: size.width,
        height: size.height,
        webp: absolute(adImageUrl(creative.imageId, size, "webp")),
        jpg: absolute(adImageUrl(creative.imageId, size, "jpg")),
      })),
    })),
  };
}
