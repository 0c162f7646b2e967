import type { Tier, TierConfig } from "./tier-config.ts";

/**
 * A member's tier from their standing (issue 16), pure: the highest-ranked tier whose spend OR
 * points threshold they reach (src/membership/tier-config.ts states the rule). Thresholds
 * rise with rank (the configuration's validation), so more spend or points never lower it.
 */

/** What a tier rests on: rolling 12-month paid spend (fen) and points earned in 12 months. */
export interface Standing {
  spend12m: number;
  points12m: number;
}

/** Whether a standing reaches a tier. */
export function reaches(tier: Pick<Tier, "minSpend" | "minPoints">, standing: Standing): boolean {
  return (
    (tier.minSpend !== null && standing.spend12m >= tier.minSpend) || (tier.minPoints !== null && standing.points12m >= tier.minPoints)
  );
}

/** The tier a standing reaches (the highest), or null for none. */
export function tierFor(config: Pick<TierConfig, "tiers">, standing: Standing): Tier | null {
  for (let i = config.tiers.length - 1; i >= 0; i--) {
    const tier = config.tiers[i]!;
    if (reaches(tier, standing)) return tier;
  }
  return null;
}

/** A tier's rank: its index, lowest 0; −1 for no tier (or one no longer configured). */
export function rankOf(config: Pick<TierConfig, "tiers">, tierId: string | null): number {
  return tierId === null ? -1 : config.tiers.findIndex((tier) => tier.id === tierId);
}

/** How far a standing is from the next tier: what is missing of each threshold it has (null: that threshold is not set). */
export interface Progress {
  tier: Tier;
  spendToGo: number | null;
  pointsToGo: number | null;
  /** 0–100: the nearer of the two ways there, for a progress bar. */
  percent: number;
}

/** The next tier above the standing's and how far it is, or null at the top. */
export function progressToNext(config: Pick<TierConfig, "tiers">, standing: Standing): Progress | null {
  const next = config.tiers[rankOf(config, tierFor(config, standing)?.id ?? null) + 1];
  if (!next) return null;
  const share = (have: number, need: number | null) =>
    need === null ? 0 : need === 0 ? 100 : Math.min(99, Math.floor((have / need) * 100));
  return {
    tier: next,
    spendToGo: next.minSpend === null ? null : Math.max(0, next.minSpend - standing.spend12m),
    pointsToGo: next.minPoints === null ? null : Math.max(0, next.minPoints - standing.points12m),
    percent: Math.max(share(standing.spend12m, next.minSpend), share(standing.points12m, next.minPoints)),
  };
}
