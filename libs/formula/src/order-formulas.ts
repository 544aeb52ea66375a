/**
 * Orders derived metrics so each comes after the derived metrics it reads, the order in which a
 * bucket's formulas must be evaluated. Dependencies on names outside the map (measured metrics)
 * are ignored here; the catalog reports unknown names itself.
 * Iterative (Kahn's algorithm): a chain of 100,000 derived metrics must not overflow the stack.
 */
export type FormulaOrder = { ok: true; order: string[] } | { ok: false; order: string[]; cycles: string[][] };

export const orderFormulas = (dependencies: ReadonlyMap<string, readonly string[]>): FormulaOrder => {
  const pending = new Map<string, number>();
  const dependents = new Map<string, string[]>();
  for (const [name, reads] of dependencies) {
    const inside = [...new Set(reads)].filter((read) => dependencies.has(read));
    pending.set(name, inside.length);
    for (const read of inside) {
      const list = dependents.get(read);
      if (list) list.push(name);
      else dependents.set(read, [name]);
    }
  }
  // A queue, not a stack: metrics that do not depend on each other keep the map's (file) order.
  const ready = [...pending].filter(([, count]) => count === 0).map(([name]) => name);
  const order: string[] = [];
  for (let head = 0; head < ready.length; head += 1) {
    const next = ready[head] as string;
    order.push(next);
    pending.delete(next);
    for (const dependent of dependents.get(next) ?? []) {
      const count = (pending.get(dependent) ?? 0) - 1;
      pending.set(dependent, count);
      if (count === 0) ready.push(dependent);
    }
  }
  if (pending.size === 0) return { ok: true, order };
  return { ok: false, order, cycles: extractCycles(dependencies, new Set(pending.keys())) };
};

/**
 * Every node left over after Kahn's algorithm is on a cycle or reads one. Walk from each,
 * following left-over dependencies, until a node repeats: the path from its first visit is a
 * cycle. Each node is walked at most once, so this is linear.
 */
const extractCycles = (dependencies: ReadonlyMap<string, readonly string[]>, leftover: Set<string>): string[][] => {
  const cycles: string[][] = [];
  const done = new Set<string>();
  for (const start of leftover) {
    if (done.has(start)) continue;
    const path: string[] = [];
    const onPath = new Map<string, number>();
    let current: string | undefined = start;
    while (current !== undefined && !done.has(current)) {
      const seenAt = onPath.get(current);
      if (seenAt !== undefined) {
        cycles.push([...path.slice(seenAt), current]);
        break;
      }
      onPath.set(current, path.length);
      path.push(current);
      current = (dependencies.get(current) ?? []).find((read) => leftover.has(read) && !done.has(read));
    }
    for (const name of path) done.add(name);
  }
  return cycles;
};
