import { spawnSync } from 'node:child_process';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  PREFETCH_UNIT_NAME,
  prefetchUnit,
  quoteExecArg,
  RUN_UNIT_NAME,
  runUnit,
} from '../../../src/machine/systemd-unit.js';
import { tempDir } from '../../helpers/temp-dir.js';

function lines(text: string): string[] {
  return text.split('\n');
}

describe('the bisect run unit', () => {
  const unit = runUnit({ node: '/usr/bin/node', grove: '/usr/lib/grove/dist/src/index.js' });

  it('is a oneshot that runs grove bisect run --continue after the network is up, on every boot', () => {
    expect(unit.name).toBe(RUN_UNIT_NAME);
    const l = lines(unit.text);
    expect(l).toContain('After=network-online.target');
    expect(l).toContain('Wants=network-online.target');
    expect(l).toContain('Type=oneshot');
    expect(l).toContain(
      'ExecStart=/usr/bin/node /usr/lib/grove/dist/src/index.js --sysroot / bisect run --continue',
    );
    expect(l).toContain('WantedBy=multi-user.target');
    // sections in the order systemd documents them
    expect(l.indexOf('[Unit]')).toBeLessThan(l.indexOf('[Service]'));
    expect(l.indexOf('[Service]')).toBeLessThan(l.indexOf('[Install]'));
  });

  it('needs absolute paths (systemd runs ExecStart without a PATH search of ours)', () => {
    expect(() => runUnit({ node: 'node', grove: '/x.js' })).toThrow(/absolute path for node/);
    expect(() => runUnit({ node: '/usr/bin/node', grove: 'dist/src/index.js' })).toThrow(/grove/);
  });

  it('quotes and escapes ExecStart words as systemd reads them', () => {
    expect(quoteExecArg('/usr/bin/node')).toBe('/usr/bin/node');
    expect(quoteExecArg('/opt/my grove/index.js')).toBe('"/opt/my grove/index.js"');
    expect(quoteExecArg('50%')).toBe('50%%');
    expect(quoteExecArg('$HOME')).toBe('$$HOME');
    expect(quoteExecArg('a"b')).toBe('"a\\"b"');
    expect(quoteExecArg('a\\b')).toBe('"a\\\\b"');
    expect(quoteExecArg('')).toBe('""');
  });
});

describe('the bisect prefetch unit (bisections by hand on a host)', () => {
  it('starts grove bisect prefetch --after-boot once the network is up, without holding up the boot', () => {
    const u = prefetchUnit({
      node: '/usr/bin/node',
      grove: '/usr/lib/grove/dist/grove.cjs',
      stateFile: '/var/lib/x%.json',
    });
    expect(u.name).toBe(PREFETCH_UNIT_NAME);
    const l = lines(u.text);
    expect(l).toContain('After=network-online.target');
    expect(l).toContain('Type=exec');
    expect(l).toContain('ConditionPathExists=/var/lib/x%%.json');
    expect(l).toContain(
      'ExecStart=/usr/bin/node /usr/lib/grove/dist/grove.cjs --sysroot / bisect prefetch --after-boot',
    );
    expect(l).toContain('WantedBy=multi-user.target');
    expect(() => prefetchUnit({ node: 'node', grove: '/x' })).toThrow(/absolute path for node/);
  });
});

const analyze = spawnSync('systemd-analyze', ['--version'], { encoding: 'utf8' });
const hasAnalyze = analyze.status === 0;
if (!hasAnalyze) {
  console.warn(
    'skipping systemd-analyze verify of the bisect run unit: systemd-analyze is not installed here (Debian: apt-get install systemd)',
  );
}

describe.skipIf(!hasAnalyze)('systemd-analyze verify', () => {
  let dir: { path: string; cleanup: () => Promise<void> };
  beforeAll(async () => {
    dir = await tempDir('grove-unit-');
  });
  afterAll(() => dir.cleanup());

  function verify(file: string): { status: number | null; stderr: string } {
    const r = spawnSync('systemd-analyze', ['verify', file], { encoding: 'utf8' });
    return { status: r.status, stderr: r.stderr };
  }

  it('accepts the generated unit, with a grove path that needs quoting', async () => {
    const groveDir = join(dir.path, 'my grove', 'dist');
    await mkdir(groveDir, { recursive: true });
    const grove = join(groveDir, 'index.js');
    await writeFile(grove, '');
    const u = runUnit({ node: process.execPath, grove });
    const file = join(dir.path, u.name);
    await writeFile(file, u.text);
    const r = verify(file);
    expect(r.stderr.split('\n').filter((l) => l.includes(u.name) && !/non-existent unit/.test(l))).toEqual(
      [],
    );
    expect(r.status).toBe(0);
  });

  it('accepts the prefetch unit', async () => {
    const u = prefetchUnit({ node: process.execPath, grove: '/usr/lib/grove/dist/grove.cjs' });
    const file = join(dir.path, u.name);
    await writeFile(file, u.text);
    const r = verify(file);
    expect(r.stderr.split('\n').filter((l) => l.includes(u.name) && !/non-existent unit/.test(l))).toEqual(
      [],
    );
    expect(r.status).toBe(0);
  });

  it('has teeth: it rejects a unit whose node is not there, and warns about unknown keys', async () => {
    const file = join(dir.path, 'broken.service');
    await writeFile(file, runUnit({ node: '/nonexistent/node', grove: '/x.js' }).text);
    const r = verify(file);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/\/nonexistent\/node is not executable/);
    const unknown = join(dir.path, 'unknown.service');
    await writeFile(unknown, runUnit({ node: process.execPath, grove: '/x.js' }).text + 'BogusKey=1\n');
    expect(verify(unknown).stderr).toMatch(/Unknown key/);
  });
});
