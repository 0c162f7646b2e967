/**
 * How many failed sign-ins are allowed before the next is refused (issue 11): 5 per email
 * and 20 per client address in a fixed 15-minute window that starts at the first failure.
 * Per email stops guessing one person's password from many addresses; per address stops one
 * client trying a few passwords on many people. The counting itself is exact: Redis INCR
 * on a key whose expiry is set when it is created (./sign-in-limiter.ts).
 */
export const SIGN_IN_LIMITS = {
  perEmail: 5,
  perAddress: 20,
  windowMs: 15 * 60_000,
} as const;

export type SignInLimits = { perEmail: number; perAddress: number; windowMs: number };

/** One counter as Redis reports it: its value and its remaining life (PTTL: -1 no expiry, -2 gone). */
export interface Counter {
  count: number;
  ttlMs: number;
}

export type SignInVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

/**
 * Whether an attempt may go ahead, given the counters after it was counted: the attempt
 * that makes a count pass its limit is the first refused. When refused, Retry-After is the
 * time until the counter that refuses expires (the later of the two when both do), in
 * whole seconds, at least 1.
 */
export function signInVerdict(email: Counter, address: Counter, limits: SignInLimits = SIGN_IN_LIMITS): SignInVerdict {
  const refusing = [email.count > limits.perEmail ? email : null, address.count > limits.perAddress ? address : null].filter(
    (counter): counter is Counter => counter !== null,
  );
  if (refusing.length === 0) return { allowed: true };
  const waitMs = Math.max(...refusing.map((counter) => remainingMs(counter, limits.windowMs)));
  return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
}

/** A key without expiry should not exist (it is set on creation); if one does, it is treated as a fresh window. */
function remainingMs(counter: Counter, windowMs: number): number {
  if (counter.ttlMs === -1) return windowMs;
  return Math.max(0, Math.min(counter.ttlMs, windowMs));
}
