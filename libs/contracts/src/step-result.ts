/**
 * The step vocabulary of every consumer pipeline (STYLE.md §3): a step is a small synchronous,
 * pure function; an expected rejection is a value with a reason, never an exception.
 */
export type StepResult<T> = { kind: 'ok'; value: T } | { kind: 'reject'; reason: string; detail?: string };
export type Step<I, O, C = unknown> = (input: I, batch: C) => StepResult<O>;

export const ok = <T>(value: T): StepResult<T> => ({ kind: 'ok', value });
export const reject = <T = never>(reason: string, detail?: string): StepResult<T> =>
  detail === undefined ? { kind: 'reject', reason } : { kind: 'reject', reason, detail };

/** Composes steps left to right; the first rejection stops the event. */
export function pipeline<C, A, B>(s1: Step<A, B, C>): Step<A, B, C>;
export function pipeline<C, A, B, D>(s1: Step<A, B, C>, s2: Step<B, D, C>): Step<A, D, C>;
export function pipeline<C, A, B, D, E>(s1: Step<A, B, C>, s2: Step<B, D, C>, s3: Step<D, E, C>): Step<A, E, C>;
export function pipeline<C, A, B, D, E, F>(
  s1: Step<A, B, C>, s2: Step<B, D, C>, s3: Step<D, E, C>, s4: Step<E, F, C>,
): Step<A, F, C>;
export function pipeline<C, A, B, D, E, F, G>(
  s1: Step<A, B, C>, s2: Step<B, D, C>, s3: Step<D, E, C>, s4: Step<E, F, C>, s5: Step<F, G, C>,
): Step<A, G, C>;
export function pipeline<C, A, B, D, E, F, G, H>(
  s1: Step<A, B, C>, s2: Step<B, D, C>, s3: Step<D, E, C>, s4: Step<E, F, C>, s5: Step<F, G, C>, s6: Step<G, H, C>,
): Step<A, H, C>;
export function pipeline<C>(...steps: Step<unknown, unknown, C>[]): Step<unknown, unknown, C> {
  return (input, batch) => {
    let current: unknown = input;
    for (const step of steps) {
      const result = step(current, batch);
      if (result.kind === 'reject') return result;
      current = result.value;
    }
    return ok(current);
  };
}
