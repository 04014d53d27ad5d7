// What to pull before it is needed: while one candidate is tested, the candidates that come
// next after either verdict (level 1), then, within a budget, the level after. Pure.
import { lookahead, type Lookahead } from './engine/index.js';
import { engineInput } from './engine-input.js';
import type { BisectState } from './state.js';

export interface PrefetchPlan {
  /** Pulled in this order; each batch in one `ostree pull`. */
  batches: string[][];
}

export function planPrefetch(state: BisectState, budget = 6): PrefetchPlan {
  const root = lookahead(engineInput(state), 2);
  if (root.next.kind !== 'test') return { batches: [] };
  const seen = new Set<string>([root.next.id]);
  const take = (nodes: Array<Lookahead | undefined>): string[] => {
    const out: string[] = [];
    for (const n of nodes) {
      if (n?.next.kind === 'test' && !seen.has(n.next.id)) {
        seen.add(n.next.id);
        out.push(n.next.id);
      }
    }
    return out;
  };
  const level1Nodes = [root.ifGood, root.ifBad];
  const level1 = take(level1Nodes);
  const level2 = take(level1Nodes.flatMap((n) => [n?.ifGood, n?.ifBad])).slice(
    0,
    Math.max(0, budget - level1.length),
  );
  return { batches: [level1, level2].filter((b) => b.length > 0) };
}
