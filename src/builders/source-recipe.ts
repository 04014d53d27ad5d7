// A source build's identity: the recipe (the user's build command) hashed, the ref a layered
// build lives under, and the commit metadata that says what it was built from.
import type { CommitInfo } from '../ostree/index.js';

/** Bumped when grove changes what a build with the same command produces. */
const RECIPE_VERSION = 'grove-source-recipe-1';

export const BUILD_REF_PREFIX = 'grove/builds/';

/**
 * 16 hex digits of sha256 over the build command. Nothing else goes in: GROVE_JOBS changes how
 * fast a build runs, not what it installs, and the base is checked separately.
 */
export function recipeHash(command: string): string {
  const { createHash } = process.getBuiltinModule('node:crypto');
  return createHash('sha256').update(`${RECIPE_VERSION}\n${command}`).digest('hex').slice(0, 16);
}

export function buildRef(recipe: string, sourceCommit: string): string {
  return `${BUILD_REF_PREFIX}${recipe}/${sourceCommit}`;
}

/** `grove/builds/<recipe>/<commit>` back into its parts; null for any other ref. */
export function parseBuildRef(ref: string): { recipe: string; sourceCommit: string } | null {
  const m = /^grove\/builds\/([0-9a-f]{16})\/([0-9a-f]{40,64})$/.exec(ref);
  return m ? { recipe: m[1]!, sourceCommit: m[2]! } : null;
}

/** Metadata keys of a layered build commit (strings). */
export const META = {
  sourceCommit: 'grove.build.source-commit',
  sourceSubject: 'grove.build.source-subject',
  sourceRepo: 'grove.build.source-repo',
  recipe: 'grove.build.recipe',
  command: 'grove.build.command',
  base: 'grove.build.base',
  bytes: 'grove.build.installed-bytes',
  seconds: 'grove.build.seconds',
} as const;

export interface BuildMetadata {
  sourceCommit: string;
  sourceSubject: string | null;
  sourceRepo: string | null;
  recipe: string;
  command: string | null;
  base: string;
  /** Bytes the build installed (the layer, not the whole tree). */
  installedBytes: number | null;
  seconds: number | null;
}

/** What a build commit says about itself; null when it is not one grove made. */
export function buildMetadata(info: CommitInfo): BuildMetadata | null {
  const m = info.metadata ?? {};
  const str = (k: string): string | null => {
    const v = m[k];
    return typeof v === 'string' ? v : null;
  };
  const num = (k: string): number | null => {
    const s = str(k);
    return s !== null && Number.isFinite(Number(s)) ? Number(s) : null;
  };
  const sourceCommit = str(META.sourceCommit);
  const recipe = str(META.recipe);
  const base = str(META.base);
  if (!sourceCommit || !recipe || !base) return null;
  return {
    sourceCommit,
    sourceSubject: str(META.sourceSubject),
    sourceRepo: str(META.sourceRepo),
    recipe,
    command: str(META.command),
    base,
    installedBytes: num(META.bytes),
    seconds: num(META.seconds),
  };
}

/** The version a build shows in `trees list`: the base's, plus the source commit. */
export function buildVersion(baseVersion: string | null, sourceCommit: string): string {
  const g = `g${sourceCommit.slice(0, 10)}`;
  return baseVersion ? `${baseVersion}+${g}` : g;
}
