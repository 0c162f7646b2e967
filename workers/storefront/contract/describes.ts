/**
 * Compile-time checks that a schema of a contract describes what the code really returns,
 * field for field at the top level: the handler's types see to it that nothing declared is
 * missing, these that nothing returned goes undeclared.
 */
export type Describes<Schema, Real> = [Real] extends [Schema]
  ? [keyof Real] extends [keyof Schema]
    ? [keyof Schema] extends [keyof Real]
      ? true
      : false
    : false
  : false;

/** Fails to compile unless its argument is `true`. */
export type Holds<T extends true> = T;
