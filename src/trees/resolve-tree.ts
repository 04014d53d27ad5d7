// Tree specs (see tree-spec.ts) resolved for the trees commands.
import { UserError } from '../errors.js';
import type { Tree } from './list-trees.js';
import { resolveTreeSpec, type SpecCommit } from './tree-spec.js';

/** A deployed tree; a spec that names a commit that is not deployed is an error saying so. */
export function resolveDeployed<T extends Tree>(
  text: string,
  trees: readonly T[],
  commits: readonly SpecCommit[] = [],
): T {
  const r = resolveTreeSpec(text, trees, commits);
  if (r.kind === 'deployment') return r.deployment;
  throw new UserError(
    `${text} names commit ${r.checksum.slice(0, 12)}${r.commit.version ? ` (${r.commit.version})` : ''}, which is not deployed. Deploy it with: grove trees add ${r.checksum}`,
  );
}

/** A commit: a deployed tree's, or one of `commits`, or a full checksum. */
export function resolveCommit(
  text: string,
  trees: readonly Tree[],
  commits: readonly SpecCommit[],
): SpecCommit {
  const s = text.trim();
  if (
    /^[0-9a-f]{64}$/.test(s) &&
    !trees.some((t) => t.checksum === s) &&
    !commits.some((c) => c.checksum === s)
  ) {
    return { checksum: s, version: null };
  }
  const r = resolveTreeSpec(text, trees, commits);
  return r.kind === 'deployment' ? { checksum: r.checksum, version: r.deployment.version } : r.commit;
}
