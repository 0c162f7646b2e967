/** A clock the test moves by hand: `now` for the code under test, `advance` and `set` for the test. */
export function manualClock(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    advance: (ms: number) => {
      now += ms;
    },
    set: (ms: number) => {
      now = ms;
    },
  };
}
