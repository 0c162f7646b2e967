import { sha256, toHex } from "../encoding.ts";

/**
 * A team's id (issue 14): `tm_<campaign id>_<16 hex>`, the name of its Durable Object and the
 * tail of its share link (`/teams/<id>`). The hex is a digest of the leader and the start's
 * Idempotency-Key: a retried start reaches the same object and is answered as before, and a
 * second start with a new key names another team (which the roster then refuses: one each).
 * The key is the shopper's random UUID, so the id reveals nothing of who started it.
 */
export const TEAM_ID = /^tm_([a-z0-9][a-z0-9-]{1,34})_([0-9a-f]{16})$/;

export async function teamIdFor(campaignId: string, leaderId: string, idempotencyKey: string): Promise<string> {
  const digest = await sha256(`${campaignId}\n${leaderId}\n${idempotencyKey}`);
  return `tm_${campaignId}_${toHex(digest).slice(0, 16)}`;
}

/** The campaign a team id names, or null for a string that is no team id. */
export function campaignOfTeamId(teamId: string): string | null {
  return TEAM_ID.exec(teamId)?.[1] ?? null;
}

/**
 * How a member is shown to others on a team's page: never their shopper id, but a short badge
 * and an avatar hue from a digest of it (16 bits: enough to tell 10 members apart, too little
 * to find anyone by).
 */
export async function memberBadge(shopperId: string): Promise<{ badge: string; hue: number }> {
  const digest = await sha256(`team-member\n${shopperId}`);
  return { badge: toHex(digest.subarray(0, 2)).toUpperCase(), hue: ((digest[2]! << 8) | digest[3]!) % 360 };
}
