#!/usr/bin/env node
// Bundles the CLI into one file, dist/grove.mjs. Node's ESM loader pays per module: the
// unbundled dist/src/index.js loads ~400 files and takes ~0.65 s to start; the bundle ~0.3 s,
// and ~0.2 s with what most commands never use (HTTP, prompts, git) split into chunks loaded on demand.
// Every grove command pays that, and bisect verdicts are timed by the user.
import { build } from 'esbuild';
import { chmodSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist');
const outfile = join(outdir, 'grove.mjs');
await build({
  entryPoints: { grove: join(root, 'dist', 'src', 'index.js') },
  outdir,
  outExtension: { '.js': '.mjs' },
  // Dynamic imports (undici, inquirer, simple-git) become chunks loaded only when used; a static
  // import anywhere in the graph would pull its module back into every start.
  splitting: true,
  chunkNames: 'chunks/[name]-[hash]',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  sourcemap: true,
  // Less to parse and compile at every start (~40 ms of a verdict's wait unminified); the
  // source map keeps DEBUG stacks readable.
  minify: true,
  keepNames: true,
  logLevel: 'warning',
  // CommonJS dependencies call require() and read __filename (write-file-atomic names its temp
  // files after it); give the ESM bundle both.
  banner: {
    js: [
      "import { createRequire as __groveRequire } from 'node:module';",
      "import { fileURLToPath as __groveFileURLToPath } from 'node:url';",
      'const require = __groveRequire(import.meta.url);',
      'const __filename = __groveFileURLToPath(import.meta.url);',
      "const __dirname = __filename.slice(0, __filename.lastIndexOf('/'));",
    ].join(' '),
  },
});
chmodSync(outfile, 0o755);
