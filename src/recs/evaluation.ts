import type { EvaluationCase } from "./interactions.ts";
import { type RecMetrics, type RecModel, rankItems, shopperVector } from "./model.ts";
import { ndcgAtK, recallAtK, seededRandom } from "./ranking-math.ts";

/**
 * The offline evaluation (issue 18, part D): each held-out case ranked by the model, by
 * popularity and at random, the case's just-viewed SKUs excluded from all three; mean recall@k
 * and NDCG@k over the cases.
 */
export function evaluateRankers(
  model: RecModel,
  cases: readonly EvaluationCase[],
  popularity: readonly string[],
  k = 10,
  seed = 7,
): RecMetrics["rows"] {
  const random = seededRandom(seed);
  const skus = model.items.map((item) => item.sku);
  const sums = { two_tower: [0, 0], popularity: [0, 0], random: [0, 0] };
  const add = (ranker: keyof typeof sums, ranked: string[], relevant: Set<string>) => {
    sums[ranker][0]! += recallAtK(ranked, relevant, k);
    sums[ranker][1]! += ndcgAtK(ranked, relevant, k);
  };
  for (const c of cases) {
    const viewed = new Set(c.viewed);
    add(
      "two_tower",
      rankItems(model, shopperVector(model, c.features), { exclude: viewed, limit: k }).map((r) => r.sku),
      c.relevant,
    );
    add("popularity", popularity.filter((sku) => !viewed.has(sku)).slice(0, k), c.relevant);
    const picked = new Set<string>();
    while (picked.size < Math.min(k, skus.length - viewed.size)) {
      const sku = skus[Math.floor(random() * skus.length)]!;
      if (!viewed.has(sku)) picked.add(sku);
    }
    add("random", [...picked], c.relevant);
  }
  const n = Math.max(1, cases.length);
  return (["two_tower", "popularity", "random"] as const).map((ranker) => ({
    ranker,
    recallAtK: sums[ranker][0]! / n,
    ndcgAtK: sums[ranker][1]! / n,
  }));
}

/**
 * The check: a shopper with no history views three phones (the three most popular, a
 * minute apart) → how many of the top 10 (the three excluded) are phones. Null without phones.
 */
export function phonesAfterThreePhoneViews(model: RecModel, now: number, category = "phones"): number | null {
  const phones = model.popularity.filter((sku) => model.items[model.skuIndex.get(sku)!]!.category === category).slice(0, 3);
  if (phones.length < 3) return null;
  const views = phones.map((sku, i) => ({ sku, category, at: now - (3 - i) * 60_000 }));
  const vector = shopperVector(model, { views, segment: null, paidOrders: 0, spentFen: 0, now });
  const top = rankItems(model, vector, { exclude: phones, limit: 10 });
  return top.filter((r) => model.items[model.skuIndex.get(r.sku)!]!.category === category).length;
}
