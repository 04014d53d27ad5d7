// Where grove's native helper is (dist/libexec/grove-ostree-order, built by
// scripts/build-native.mjs from ./native/): it moves a deployment first or last in the boot
// entries. ostree before 2023.6 has no `admin set-default`, none has a "move last", and the
// helper, which calls libostree directly, also skips the repository prune that makes
// `admin set-default` slow. GROVE_OSTREE_HELPER=none turns it off (tests of the fallbacks);
// GROVE_OSTREE_HELPER=PATH names another binary.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ORDER_HELPER = 'grove-ostree-order';

export function findOrderHelper(env: NodeJS.ProcessEnv = process.env): string | null {
  const configured = env.GROVE_OSTREE_HELPER;
  if (configured === 'none') return null;
  if (configured) return configured;
  // The package root: the folder with package.json above this file (src/ostree/ under tests,
  // dist/src/ostree/ or the bundle dist/grove.cjs when built).
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  const helper = join(dir, 'dist', 'libexec', ORDER_HELPER);
  return existsSync(helper) ? helper : null;
}
