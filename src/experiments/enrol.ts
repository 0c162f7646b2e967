import { assign, type Enrolment, needsShopperKind, type ShopperFacts, type StickyAssignments, stickyKey } from "./assignment.ts";
import type { ExperimentConfig, ShopperKind } from "./experiment-config.ts";

/** Where enrolment keeps first assignments and learns whether a shopper is new; Redis and Postgres in the Worker, fakes in tests. */
export interface EnrolmentStores {
  sticky: {
    read(shopperId: string): Promise<StickyAssignments>;
    keep(shopperId: string, first: StickyAssignments): Promise<StickyAssignments>;
  };
  /** Whether the shopper has paid for an order before; null when it cannot be told. Asked only when a rule needs it. */
  shopperKind(shopperId: string): Promise<ShopperKind | null>;
}

/**
 * A shopper's variants of the running experiments given (issue 13): kept assignments first,
 * then GrowthBook's hash for the rest; every first assignment is kept before it is answered,
 * and where another request kept one first, that one is answered. Never-enrolled experiments
 * are left out: the page shows their control and reports no exposure.
 */
export async function enrolShopper(
  running: readonly ExperimentConfig[],
  shopper: Omit<ShopperFacts, "kind">,
  stores: EnrolmentStores,
): Promise<Enrolment[]> {
  if (running.length === 0) return [];
  const kept = await stores.sticky.read(shopper.id);
  const kind = running.some((experiment) => needsShopperKind(experiment, kept)) ? await stores.shopperKind(shopper.id) : null;
  const enrolments = running.flatMap((experiment) => assign(experiment, { ...shopper, kind }, kept) ?? []);
  const first = Object.fromEntries(enrolments.filter((e) => !e.sticky).map((e) => [stickyKey(e.experiment), e.variant]));
  const stored = await stores.sticky.keep(shopper.id, first);
  return enrolments.map((e) => (e.sticky ? e : { ...e, variant: stored[stickyKey(e.experiment)] ?? e.variant }));
}
