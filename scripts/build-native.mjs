#!/usr/bin/env node
// Builds grove's one native helper, dist/libexec/grove-ostree-order (see its source in
// src/ostree/native/): with it a bisection deploys the next candidates ahead and a verdict only
// reorders the boot entries. It needs a C compiler and libostree's headers (Debian: gcc,
// pkg-config, libostree-dev; scripts/setup.mjs installs them). Without them grove works as
// before: a verdict deploys the next candidate (slower); this script then says so and succeeds.
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const source = join(root, 'src', 'ostree', 'native', 'grove-ostree-order.c');
const outDir = join(root, 'dist', 'libexec');
const out = join(outDir, 'grove-ostree-order');

const pkgConfig = spawnSync('pkg-config', ['--cflags', '--libs', 'ostree-1'], { encoding: 'utf8' });
const cc = process.env.CC || 'cc';
if (pkgConfig.status !== 0 || spawnSync(cc, ['--version'], { stdio: 'ignore' }).status !== 0) {
  rmSync(out, { force: true });
  console.error(
    'build-native: no C compiler or libostree headers (apt-get install gcc pkg-config libostree-dev): ' +
      'grove will deploy each candidate after the verdict instead of ahead of it',
  );
  process.exit(0);
}
mkdirSync(outDir, { recursive: true });
const flags = pkgConfig.stdout.trim().split(/\s+/).filter(Boolean);
const tmp = `${out}.${process.pid}`;
try {
  execFileSync(cc, ['-O2', '-Wall', '-Wextra', '-o', tmp, source, ...flags], { stdio: 'inherit' });
} catch {
  // The compiler said why above; grove still works (test/integration/ostree/order-helper.test.ts
  // fails where the headers exist, so this does not go unnoticed there).
  rmSync(tmp, { force: true });
  rmSync(out, { force: true });
  console.error('build-native: the helper did not compile; verdicts will deploy after the verdict instead');
  process.exit(0);
}
renameSync(tmp, out);
