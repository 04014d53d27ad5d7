// Tree specs: how a user names a tree on the command line.
//   booted | rollback | default | pending   a role
//   2 | fedora:2                            a deployment index (optionally of a stateroot)
//   44.0137                                 a version
//   3f2a9c1 …                               a checksum prefix of at least 7 hex digits
// Resolution is pure: callers pass the deployments and any other commits a spec may name
// (for instance the remote history of a bisection).
import { UsageError, UserError } from '../errors.js';

export type TreeSpec =
  | { kind: 'role'; role: 'booted' | 'rollback' | 'default' | 'pending' }
  | { kind: 'index'; index: number; stateroot: string | null }
  | { kind: 'checksum'; prefix: string }
  | { kind: 'version'; version: string };

export function parseTreeSpec(text: string): TreeSpec {
  const s = text.trim();
  if (s === 'booted' || s === 'rollback' || s === 'default' || s === 'pending')
    return { kind: 'role', role: s };
  if (/^\d+$/.test(s) && s.length <= 4) return { kind: 'index', index: Number(s), stateroot: null };
  const osIndex = /^([A-Za-z0-9_.-]+):(\d{1,4})$/.exec(s);
  if (osIndex) return { kind: 'index', index: Number(osIndex[2]), stateroot: osIndex[1]! };
  if (/^[0-9a-f]{7,64}$/.test(s)) return { kind: 'checksum', prefix: s };
  if (/^[0-9A-Za-z][0-9A-Za-z._+~-]*$/.test(s)) return { kind: 'version', version: s };
  throw new UsageError(
    `'${text}' is not a tree spec. Use booted, rollback, default, an index (2, fedora:2), a version (44.0137) or a checksum prefix of 7+ hex digits.`,
  );
}

export interface SpecDeployment {
  index: number;
  stateroot: string;
  checksum: string;
  serial: number;
  version: string | null;
  booted: boolean;
  rollback: boolean;
  pending?: boolean;
  default: boolean;
}

export interface SpecCommit {
  checksum: string;
  version: string | null;
}

export type Resolved<D extends SpecDeployment> =
  | { kind: 'deployment'; deployment: D; checksum: string }
  | { kind: 'commit'; commit: SpecCommit; checksum: string };

/**
 * Finds what a spec names. Deployments win over other commits; a version or prefix that matches
 * two different commits is an error that lists them.
 */
export function resolveTreeSpec<D extends SpecDeployment>(
  text: string,
  deployments: readonly D[],
  commits: readonly SpecCommit[] = [],
): Resolved<D> {
  const spec = parseTreeSpec(text);
  const found = (d: D | undefined, what: string): Resolved<D> => {
    if (!d) throw new UserError(`no ${what} tree here (${text}). See the trees with: grove trees list`);
    return { kind: 'deployment', deployment: d, checksum: d.checksum };
  };
  switch (spec.kind) {
    case 'role':
      return found(
        deployments.find((d) => d[spec.role] === true),
        spec.role,
      );
    case 'index': {
      const inOs =
        spec.stateroot === null ? deployments : deployments.filter((d) => d.stateroot === spec.stateroot);
      const d = spec.stateroot === null ? deployments.find((x) => x.index === spec.index) : inOs[spec.index];
      if (!d) {
        const n = inOs.length;
        throw new UserError(
          `there is no tree ${text}: ${spec.stateroot ?? 'this system'} has ${n} deployment${n === 1 ? '' : 's'} (0..${n - 1}). See them with: grove trees list`,
        );
      }
      return { kind: 'deployment', deployment: d, checksum: d.checksum };
    }
    case 'checksum':
    case 'version': {
      const matchD = (d: SpecDeployment) =>
        spec.kind === 'checksum' ? d.checksum.startsWith(spec.prefix) : d.version === spec.version;
      const ds = deployments.filter(matchD);
      const distinctD = new Set(ds.map((d) => d.checksum));
      if (distinctD.size === 1) return { kind: 'deployment', deployment: ds[0]!, checksum: ds[0]!.checksum };
      const cs = uniqueBy(
        commits.filter((c) =>
          spec.kind === 'checksum' ? c.checksum.startsWith(spec.prefix) : c.version === spec.version,
        ),
        (c) => c.checksum,
      );
      const all = new Set([...distinctD, ...cs.map((c) => c.checksum)]);
      if (all.size > 1) {
        throw new UserError(
          `${text} is ambiguous: it names ${[...all].map((c) => c.slice(0, 12)).join(', ')}. Give more of the checksum.`,
        );
      }
      if (cs.length === 1) return { kind: 'commit', commit: cs[0]!, checksum: cs[0]!.checksum };
      throw new UserError(
        `no tree or commit matches ${spec.kind === 'checksum' ? 'checksum' : 'version'} ${text}. See the trees with: grove trees list`,
      );
    }
  }
}

function uniqueBy<T>(xs: readonly T[], key: (x: T) => string): T[] {
  const seen = new Set<string>();
  return xs.filter((x) => (seen.has(key(x)) ? false : (seen.add(key(x)), true)));
}
