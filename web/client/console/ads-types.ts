import type { z } from "zod";
import type { AdCampaign, adCampaignDraftSchema } from "../../../src/ads/campaign.ts";

/** What the ads admin API answers (issue 18, part A), as the console reads it. */
export type { AdCampaign };
export type AdCampaignDraftInput = z.input<typeof adCampaignDraftSchema>;
export type AdCampaignList = { campaigns: AdCampaign[] };
export type AdCampaignSaved = { campaign: AdCampaign };
export type AdCampaignHistory = { id: string; versions: AdCampaign[] };
export type AdCampaignAuditTrail = {
  entries: Array<{
    id: number;
    at: number;
    actor: string;
    action: "create" | "update";
    version: number;
    before: AdCampaign | null;
    after: AdCampaign;
  }>;
};
/** `AdminAdImage` in workers/storefront/admin/ad-creatives.ts (test/worker/ad-creatives.test.ts reads it through this shape). */
export type AdImage = {
  id: string;
  name: string;
  contentType: "image/png" | "image/jpeg" | "image/webp";
  width: number;
  height: number;
  byteSize: number;
  status: "queued" | "rendered" | "failed";
  error: string | null;
  createdAt: number;
  renderedAt: number | null;
};
export type AdImageVariant = { width: number; height: number; format: "webp" | "jpg"; byteSize: number; url: string };
export type AdImageList = { images: AdImage[] };
export type AdImageDetail = { image: AdImage; variants: AdImageVariant[] };
export type AdImageUploaded = { image: AdImage; created: boolean };
