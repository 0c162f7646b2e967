import type { DeviceClass } from "../events/event.ts";
import { type AdCampaign, type AdCreative, campaignLiveAt, creativeForVariant, isAdTarget, targetingMatches } from "./campaign.ts";

/**
 * Which ad a shopper is shown (issue 18), pure: the campaigns that may run for this request
 * (active, in their window, on this placement, targeting this shopper's segment, device and
 * locale), in the order to try them, and which creative of a campaign to show. The frequency
 * cap and the budget are checked afterwards, in Redis (./frequency-cap.ts), one campaign at a
 * time in this order, so a capped campaign gives way to the next.
 */

/** Who is asking, and where. */
export interface AdRequest {
  placement: string;
  shopperId: string;
  /** The shopper's RFM segment; null when no run has scored them (matches only `"all"`). */
  segment: string | null;
  device: DeviceClass;
  locale: "zh-CN" | "en";
  now: number;
}

/** Whether a campaign may be shown for this request, before its cap and budget (which Redis decides). */
export function campaignMatches(campaign: AdCampaign, request: AdRequest): boolean {
  return (
    campaignLiveAt(campaign, request.now) &&
    (campaign.placements as readonly string[]).includes(request.placement) &&
    campaign.creatives.length > 0 &&
    targetingMatches(campaign.targeting, request)
  );
}

/**
 * The matching campaigns in the order to try them: a stable shuffle per shopper (FNV-1a of
 * shopper and campaign), so one shopper sees campaigns in a steady order while the audience as a
 * whole spreads over all of them; ties (never in practice) by id.
 */
export function campaignsToTry(campaigns: readonly AdCampaign[], request: AdRequest): AdCampaign[] {
  return campaigns
    .filter((c) => campaignMatches(c, request))
    .map((c) => ({ c, rank: fnv1a(`${request.shopperId}|${c.id}`) }))
    .sort((a, b) => a.rank - b.rank || (a.c.id < b.c.id ? -1 : 1))
    .map(({ c }) => c);
}

/**
 * The creative to show: the one whose `variant` letter the campaign's experiment assigned the
 * shopper, when it has one and the shopper is enrolled; else a stable pick per shopper, so a
 * shopper keeps seeing the same creative of a campaign.
 */
export function chooseCreative(
  campaign: Pick<AdCampaign, "id" | "creatives">,
  shopperId: string,
  assignedVariant: string | null,
): AdCreative {
  const assigned = assignedVariant ? creativeForVariant(campaign, assignedVariant) : null;
  if (assigned) return assigned;
  return campaign.creatives[fnv1a(`${shopperId}|${campaign.id}|creative`) % campaign.creatives.length]!;
}

/** FNV-1a, 32 bits: a small stable hash for orders and picks (not for security). */
export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash >>> 0;
}

/**
 * Where a click may go: a path on this shop (`/…`, never `//host`) or an https URL. The
 * target is always read from the campaign as saved, never from the click's URL, so the click
 * route is no open redirect; this check is the last guard against a bad saved value.
 */
export function safeTarget(targetUrl: string, origin: string): string | null {
  return isAdTarget(targetUrl) ? new URL(targetUrl, origin).toString() : null;
}
