#!/usr/bin/env node
// Bundles the CLI for a fast start: every grove command pays its start-up, and bisect verdicts
// are timed by the user. Node's ESM loader pays per module: the unbundled dist/src/index.js loads
// ~400 files and takes ~0.65 s to start; one minified bundle ~0.25 s; that bundle as CommonJS
// run through a V8 code cache (below) ~0.03 s less again, because V8 then skips compiling it.
//
//   dist/grove-cli.cjs        everything, one CommonJS file (dependencies a command does not use
//                             are wrapped by esbuild and only evaluated when first required)
//   dist/grove-cli.cjs.cache  V8's code cache of it, seeded here by running `grove trees list`
//   dist/grove.cjs            the bin (package.json "bin"): compiles grove-cli.cjs with the cache
//                             (Node 20 has no module.enableCompileCache) and runs it. CommonJS, so
//                             that Node does not start its ESM loader for it (~15 ms a start).
//   dist/vendor/*.cjs         dependencies only some commands use (HTTP, prompts, git), each bundled
//                             on its own and required from grove-cli.cjs when first used: every
//                             start reads and deserialises grove-cli.cjs and its cache, which are
//                             a third of their size without them.
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const bundle = join(outdir, 'grove-cli.cjs');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const bin = join(root, pkg.bin.grove);
if (dirname(bin) !== outdir || !bin.endsWith('.cjs')) {
  throw new Error(`package.json's bin ${pkg.bin.grove} is not a .cjs file in dist/: update bundle.mjs`);
}
const entry = join(root, 'dist', 'src', 'index.js');

// What earlier builds left behind: an ESM build's chunks, and the bin as ESM (dist/grove.mjs)
// running the bundle from dist/grove.cjs (now the bin's name).
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
for (const old of ['grove.mjs.map', 'grove.cjs.cache', 'grove.cjs.map']) {
  rmSync(join(outdir, old), { force: true });
}
// dist/grove.mjs stays, as a shim: the systemd unit of an unattended bisection started by an
// earlier build runs `node dist/grove.mjs ... bisect run --continue` after each boot, and grove
// may be updated in the middle of one.
writeFileSync(
  join(outdir, 'grove.mjs'),
  "// The bin of earlier builds, kept for systemd units that name it: runs today's bin.\nimport './grove.cjs';\n",
);

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  // Less to parse at every start; the source map keeps DEBUG stacks readable.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // ESM sources read import.meta.url (grove finds its package.json by it); in CommonJS it is
  // the bundle's own URL.
  define: { 'import.meta.url': '__groveImportMetaUrl' },
  banner: { js: "var __groveImportMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  // import() becomes a require: grove-cli.cjs runs in a vm.Script, which has no loader for
  // import(), and the vendor bundles are CommonJS.
  supported: { 'dynamic-import': false },
};

// package -> dist/vendor/NAME.cjs. src/ reaches them only through import(), so that they load on
// first use (checked below).
const vendor = { undici: 'undici', '@inquirer/prompts': 'inquirer-prompts', 'simple-git': 'simple-git' };
const vendorDir = join(outdir, 'vendor');
rmSync(vendorDir, { recursive: true, force: true });
for (const [pkgName, name] of Object.entries(vendor)) {
  await build({
    ...common,
    // The package's ESM entry, as import() resolves it in the unbundled code and the tests.
    stdin: { contents: `export * from '${pkgName}';`, resolveDir: root, sourcefile: `vendor-${name}.js` },
    outfile: join(vendorDir, `${name}.cjs`),
  });
}

await build({
  ...common,
  entryPoints: [entry],
  outfile: bundle,
  plugins: [
    {
      name: 'vendor-bundles',
      setup(b) {
        const names = Object.keys(vendor).map((n) => n.replace(/[/@]/g, '\\$&'));
        b.onResolve({ filter: new RegExp(`^(${names.join('|')})$`) }, (args) => {
          if (args.kind !== 'dynamic-import') {
            return {
              errors: [{ text: `${args.path} is bundled in dist/vendor/: import() it where it is used` }],
            };
          }
          return { path: `./vendor/${vendor[args.path]}.cjs`, external: true };
        });
      },
    },
    {
      // The entry's top-level `await main()` has no CommonJS form; main() handles its own errors.
      name: 'entry-without-top-level-await',
      setup(b) {
        b.onLoad({ filter: /[\\/]dist[\\/]src[\\/]index\.js$/ }, (args) => {
          if (args.path !== entry) return undefined;
          const text = readFileSync(args.path, 'utf8');
          if (!text.includes('await main(process.argv);')) {
            throw new Error(
              'src/index.ts no longer ends with `await main(process.argv);`: update bundle.mjs',
            );
          }
          return {
            contents: text
              .replace(/^#!.*\n/, '')
              .replace('await main(process.argv);', 'void main(process.argv);'),
            loader: 'js',
            resolveDir: dirname(args.path),
          };
        });
      },
    },
  ],
});

// grove-cli.cjs runs in a vm.Script, which has no loader for import(): no bundle may have an
// import() left (esbuild turns them into requires, see `supported` above).
for (const file of [bundle, ...Object.values(vendor).map((name) => join(vendorDir, `${name}.cjs`))]) {
  const left = /\bimport\((["'][^"']+["'])\)/.exec(readFileSync(file, 'utf8'));
  if (left) throw new Error(`${file} still has import(${left[1]}): import it statically`);
}

writeFileSync(
  bin,
  `#!/usr/bin/env node
// grove's bin: runs grove-cli.cjs compiled with V8's code cache (grove-cli.cjs.cache) so a start
// does not compile the bundle again. A cache V8 rejects (another Node, a rebuilt bundle) is
// rewritten.
'use strict';
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createRequire, wrap } = require('node:module');
const vm = require('node:vm');

const file = __dirname + '/grove-cli.cjs';
const cacheFile = file + '.cache';
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}
const script = new vm.Script(wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
if (!cachedData || script.cachedDataRejected || process.env.GROVE_WRITE_CODE_CACHE === '1') {
  // After the run: the cache then holds what this command compiled, not only the top level.
  process.once('exit', () => {
    try {
      const tmp = cacheFile + '.' + process.pid;
      writeFileSync(tmp, script.createCachedData());
      renameSync(tmp, cacheFile);
    } catch {}
  });
}
const cli = { exports: {} };
script.runInThisContext()(cli.exports, createRequire(file), cli, file, __dirname);
`,
);
chmodSync(bin, 0o755);

// Seed the cache with a command that goes where most do: parse options, run ostree through the
// subprocess module (execa's code is much of what a verdict compiles), render. The cache then
// holds those functions compiled. Without ostree (a bare `npm run build`), `--help` seeds it.
rmSync(`${bundle}.cache`, { force: true });
const train = (args) => {
  try {
    execFileSync(process.execPath, [bin, ...args], {
      stdio: 'ignore',
      env: { ...process.env, GROVE_WRITE_CODE_CACHE: '1', GROVE_SYSROOT: undefined },
    });
  } catch {
    // `trees list` on a sysroot without deployments exits 1, after the run that counts
  }
  return existsSync(`${bundle}.cache`);
};
const scratch = mkdtempSync(join(tmpdir(), 'grove-code-cache-'));
try {
  execFileSync('ostree', ['admin', 'init-fs', scratch], { stdio: 'ignore' });
  execFileSync('ostree', ['admin', 'os-init', `--sysroot=${scratch}`, 'seed'], { stdio: 'ignore' });
  train(['--sysroot', scratch, 'trees', 'list']);
} catch {
  // no ostree here
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
if (!existsSync(`${bundle}.cache`) && !train(['--help'])) throw new Error(`${pkg.bin.grove} did not start`);
