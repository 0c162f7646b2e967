import type { TeamCampaignInput } from "./team-campaign.ts";

const DAY = 86_400_000;

/**
 * The team campaign `npm start` seeds into local KV (issue 14): four people share ¥100, equal
 * shares, 24 h to fill a team, open for a week, so /teams has something to start.
 */
export function demoTeamCampaigns(now: number): TeamCampaignInput[] {
  return [
    {
      id: "double11-team",
      title: "4人组队瓜分 ¥100 · Team of 4 shares ¥100",
      teamSize: 4,
      poolAmount: 10_000,
      split: "equal",
      joinRule: "anyone",
      completeWithinSeconds: 86_400,
      startsAt: now - 60_000,
      endsAt: now + 7 * DAY,
      couponValidDays: 7,
    },
  ];
}
