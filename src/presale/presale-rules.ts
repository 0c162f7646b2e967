/**
 * The checks across a presale's fields and the sale's (issue 19), each reported at the path of
 * the field to fix, every one listed. sale-config's `crossFieldIssues` calls this on the raw
 * input, so fields are read defensively: a comparison whose own fields are invalid is skipped,
 * since those are reported already at their own paths.
 */
export type PresaleIssue = { path: Array<string | number>; message: string };

export function presaleIssues(input: Record<string, unknown>): PresaleIssue[] {
  const presale = input.presale;
  if (!isRecord(presale)) return [];
  const at = (field: string) => ["presale", field];
  const issues: PresaleIssue[] = [];

  // Money: deposit ≤ worth ≤ the lowest unit price, so no balance is ever negative.
  const deposit = positive(presale.depositPerUnit);
  const worth = positive(presale.depositWorthPerUnit);
  if (deposit !== undefined && worth !== undefined && worth < deposit) {
    issues.push({ path: at("depositWorthPerUnit"), message: `must be at least the deposit (${deposit} fen)` });
  }
  const lowest = lowestUnitPrice(input);
  if (lowest !== undefined) {
    if (deposit !== undefined && deposit > lowest) {
      issues.push({
        path: at("depositPerUnit"),
        message: `the deposit is above the price: must be at most the lowest unit price (${lowest} fen)`,
      });
    }
    if (worth !== undefined && worth > lowest) {
      issues.push({ path: at("depositWorthPerUnit"), message: `must be at most the lowest unit price (${lowest} fen)` });
    }
  }

  // Windows, in order: depositStartsAt < depositEndsAt ≤ startsAt ≤ balanceStartsAt < balanceEndsAt ≤ endsAt.
  const depositStartsAt = time(presale.depositStartsAt);
  const depositEndsAt = time(presale.depositEndsAt);
  const balanceStartsAt = time(presale.balanceStartsAt);
  const balanceEndsAt = time(presale.balanceEndsAt);
  const startsAt = time(input.startsAt);
  const endsAt = time(input.endsAt);
  const before = (a: number | undefined, b: number | undefined, strict: boolean) =>
    a !== undefined && b !== undefined && (strict ? a >= b : a > b);
  if (before(depositStartsAt, depositEndsAt, true)) {
    issues.push({ path: at("depositEndsAt"), message: "must be after presale.depositStartsAt" });
  }
  if (before(depositEndsAt, startsAt, false)) {
    issues.push({
      path: at("depositEndsAt"),
      message: "must be at or before the sale's startsAt (the deposit window comes before the sale)",
    });
  }
  if (before(startsAt, balanceStartsAt, false)) {
    issues.push({ path: at("balanceStartsAt"), message: "must be at or after the sale's startsAt" });
  }
  if (before(balanceStartsAt, balanceEndsAt, true)) {
    issues.push({ path: at("balanceEndsAt"), message: "must be after presale.balanceStartsAt" });
  }
  if (before(balanceEndsAt, endsAt, false)) {
    issues.push({
      path: at("balanceEndsAt"),
      message: "must be at or before the sale's endsAt (a forfeited unit goes back on a sale still open)",
    });
  }

  // One object holds every deposit's units and forfeits them: shards would split that.
  const shards = positive(input.shards);
  if (shards !== undefined && shards !== 1) {
    issues.push({ path: ["shards"], message: "a presale sells from one object: set shards to 1 or remove the presale" });
  }
  return issues;
}

/** The lowest of the list price and the tiers' prices, or undefined when none is valid. */
function lowestUnitPrice(input: Record<string, unknown>): number | undefined {
  const tierPrices = Array.isArray(input.tiers) ? input.tiers.map((tier) => (isRecord(tier) ? tier.unitPrice : undefined)) : [];
  const prices = [input.listPrice, ...tierPrices].filter((p): p is number => typeof p === "number" && Number.isSafeInteger(p) && p >= 0);
  return prices.length === 0 ? undefined : Math.min(...prices);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function time(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0 ? value : undefined;
}

function positive(value: unknown): number | undefined {
  return typeof value === "number" && Number.isSafeInteger(value) && value > 0 ? value : undefined;
}
