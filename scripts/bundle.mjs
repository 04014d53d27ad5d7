#!/usr/bin/env node
// Bundles the CLI for a fast start: every grove command pays its start-up, and bisect verdicts
// are timed by the user. Node's ESM loader pays per module: the unbundled dist/src/index.js loads
// ~400 files and takes ~0.65 s to start; one minified bundle ~0.25 s; that bundle as CommonJS
// run through a V8 code cache (below) ~0.03 s less again, because V8 then skips compiling it.
//
//   dist/grove.cjs        everything, one CommonJS file (dependencies a command does not use are
//                         wrapped by esbuild and only evaluated when first required)
//   dist/grove.cjs.cache  V8's code cache of it, seeded here by running `grove trees list`
//   dist/grove.mjs        the bin: compiles grove.cjs with the cache (Node 20 has no
//                         module.enableCompileCache) and runs it
import { build } from 'esbuild';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const bundle = join(outdir, 'grove.cjs');
const bin = join(outdir, 'grove.mjs');
const entry = join(root, 'dist', 'src', 'index.js');

// What the ESM build of earlier versions left behind.
rmSync(join(outdir, 'chunks'), { recursive: true, force: true });
rmSync(`${bin}.map`, { force: true });

await build({
  entryPoints: [entry],
  outfile: bundle,
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
  plugins: [
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

// grove.cjs runs in a vm.Script, which has no loader for import(): every dynamic import must be
// of bundled code (esbuild turns those into requires).
const left = /\bimport\((["'][^"']+["'])\)/.exec(readFileSync(bundle, 'utf8'));
if (left) throw new Error(`grove.cjs still has import(${left[1]}): import it statically`);

writeFileSync(
  bin,
  `#!/usr/bin/env node
// grove's bin: runs grove.cjs compiled with V8's code cache (grove.cjs.cache) so a start does not
// compile the bundle again. A cache V8 rejects (another Node, a rebuilt bundle) is rewritten.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';

const file = fileURLToPath(new URL('./grove.cjs', import.meta.url));
const cacheFile = file + '.cache';
let cachedData;
try {
  cachedData = readFileSync(cacheFile);
} catch {}
const script = new vm.Script(Module.wrap(readFileSync(file, 'utf8')), { filename: file, cachedData });
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
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(file), module, file, file.slice(0, file.lastIndexOf('/')));
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
if (!existsSync(`${bundle}.cache`) && !train(['--help'])) throw new Error('dist/grove.mjs did not start');
