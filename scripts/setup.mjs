#!/usr/bin/env node
// Brings a fresh clone to a runnable state, idempotently and quickly when nothing changed:
// Debian packages grove drives (ostree, a static busybox for runnable fixture trees, bubblewrap),
// node_modules matching package-lock.json, and a build in dist/.
// Uses only Node's standard library: it runs before any dependency is installed.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync, statSync, readdirSync } from 'node:fs';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const quiet = process.env.GROVE_SETUP_QUIET === '1';
const say = (msg) => quiet || console.error(`setup: ${msg}`);

function onPath(cmd) {
  return spawnSync('sh', ['-c', 'command -v "$1"', 'sh', cmd], { stdio: 'ignore' }).status === 0;
}

// command or file that must exist -> Debian package that provides it
const systemNeeds = [
  { what: 'ostree', ok: () => onPath('ostree'), pkg: 'ostree' },
  { what: 'static busybox (/bin/busybox)', ok: () => isStaticBusybox(), pkg: 'busybox-static' },
  { what: 'bwrap', ok: () => onPath('bwrap'), pkg: 'bubblewrap' },
  { what: 'git', ok: () => onPath('git'), pkg: 'git' },
  // grove's native helper (scripts/build-native.mjs) links libostree: a verdict then only
  // reorders boot entries instead of deploying.
  // Optional: without them grove deploys each candidate after the verdict.
  { what: 'a C compiler (cc)', ok: () => onPath('cc'), pkg: 'gcc', optional: true },
  { what: 'pkg-config', ok: () => onPath('pkg-config'), pkg: 'pkg-config', optional: true },
  { what: 'libostree headers', ok: () => hasPkgConfig('ostree-1'), pkg: 'libostree-dev', optional: true },
];

function hasPkgConfig(module) {
  return spawnSync('pkg-config', ['--exists', module], { stdio: 'ignore' }).status === 0;
}

function isStaticBusybox() {
  if (!existsSync('/bin/busybox')) return false;
  // A dynamically linked busybox cannot run inside a fixture tree that has no libc.
  const head = readFileSync('/bin/busybox').subarray(0, 4096);
  return !head.includes(Buffer.from('ld-linux'));
}

function ensureSystemPackages() {
  const missing = systemNeeds.filter((n) => !n.ok());
  if (missing.length === 0) return;
  const pkgs = [...new Set(missing.map((m) => m.pkg))];
  if (process.getuid?.() !== 0 || !onPath('apt-get')) {
    if (missing.every((m) => m.optional)) {
      say(`optional: apt-get install ${pkgs.join(' ')} (then npm run build) for faster bisect verdicts`);
      return;
    }
    console.error(
      `setup: missing ${missing.map((m) => m.what).join(', ')}. Install the Debian package(s): apt-get install ${pkgs.join(' ')}`,
    );
    process.exit(1);
  }
  say(`installing ${pkgs.join(' ')} with apt-get`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...pkgs], { stdio: 'inherit', env });
  const still = systemNeeds.filter((n) => !n.ok());
  if (still.length > 0) {
    console.error(`setup: still missing after apt-get: ${still.map((m) => m.what).join(', ')}`);
    process.exit(1);
  }
}

function ensureNodeModules() {
  const lock = join(root, 'package-lock.json');
  const stamp = join(root, 'node_modules', '.grove-lock-sha256');
  const want = createHash('sha256').update(readFileSync(lock)).digest('hex');
  if (existsSync(stamp) && readFileSync(stamp, 'utf8').trim() === want) return;
  say('node_modules missing or stale: npm ci');
  execFileSync('npm', ['ci', '--no-audit', '--no-fund'], { cwd: root, stdio: ['ignore', 2, 2] });
  writeFileSync(stamp, want + '\n');
}

function newestMtime(dir) {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, entry.name);
    if (entry.isDirectory()) newest = Math.max(newest, newestMtime(p));
    else if (/\.(ts|mjs|c)$/.test(entry.name)) newest = Math.max(newest, statSync(p).mtimeMs);
  }
  return newest;
}

function ensureBuild() {
  const marker = join(root, 'dist', '.build-stamp');
  const sources = ['src', 'fixtures', 'bench', 'scripts'].filter((d) => existsSync(join(root, d)));
  const inputs = Math.max(
    ...sources.map((d) => newestMtime(join(root, d))),
    statSync(join(root, 'package-lock.json')).mtimeMs,
    statSync(join(root, 'tsconfig.json')).mtimeMs,
  );
  if (existsSync(marker) && statSync(marker).mtimeMs >= inputs) {
    // Built before libostree's headers were installed: the helper alone is still missing.
    if (hasPkgConfig('ostree-1') && !existsSync(join(root, 'dist', 'libexec', 'grove-ostree-order'))) {
      execFileSync(process.execPath, [join(root, 'scripts', 'build-native.mjs')], {
        cwd: root,
        stdio: 'inherit',
      });
    }
    return;
  }
  say('building dist/');
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
  execFileSync(process.execPath, [join(root, 'scripts', 'build-native.mjs')], {
    cwd: root,
    stdio: 'inherit',
  });
  writeFileSync(marker, new Date().toISOString() + '\n');
}

ensureSystemPackages();
ensureNodeModules();
ensureBuild();
