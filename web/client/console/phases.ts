import { CONSOLE_PHASES, type ConsolePhase } from "../../../src/sales/phase.ts";

/**
 * The lists the console shows, one per phase the API sorts sales into (src/sales/phase.ts):
 * a phase added there fails this table's type until it has a heading and a place here.
 */
const LISTS = {
  // Running sales first: they are what a marketer watches during a sale.
  live: { place: 0, heading: "Live" },
  paused: { place: 1, heading: "Paused" },
  upcoming: { place: 2, heading: "Upcoming" },
  sold_out: { place: 3, heading: "Sold out" },
  ended: { place: 4, heading: "Ended" },
} as const satisfies Record<ConsolePhase, { place: number; heading: string }>;

/** Every console phase, in the order the console lists them. */
export const LISTED_PHASES: readonly ConsolePhase[] = [...CONSOLE_PHASES].sort((a, b) => LISTS[a].place - LISTS[b].place);

/** The heading of a phase's list: "Sold out". */
export const phaseHeading = (phase: ConsolePhase): string => LISTS[phase].heading;

/** The phase as a row's badge says it: "sold out". */
export const phaseBadge = (phase: ConsolePhase): string => phase.replace("_", " ");
