/**
 * A compile-time check that a zod declaration describes exactly the TypeScript type it answers
 * with (the compiler's Diagnostic, the run store's records): `const _x: Same<A, B> = true` stops
 * the type check when either side changes alone.
 */
export type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
