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
];

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
    else if (entry.name.endsWith('.ts') || entry.name.endsWith('.mjs'))
      newest = Math.max(newest, statSync(p).mtimeMs);
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
  if (existsSync(marker) && statSync(marker).mtimeMs >= inputs) return;
  say('building dist/');
  execFileSync(join(root, 'node_modules', '.bin', 'tsc'), ['-p', 'tsconfig.build.json'], {
    cwd: root,
    stdio: 'inherit',
  });
  execFileSync(process.execPath, [join(root, 'scripts', 'bundle.mjs')], { cwd: root, stdio: 'inherit' });
  writeFileSync(marker, new Date().toISOString() + '\n');
}

ensureSystemPackages();
ensureNodeModules();
ensureBuild();
