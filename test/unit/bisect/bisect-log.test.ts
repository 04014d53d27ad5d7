import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { appendLog, dropFromLog, parseLog } from '../../../src/bisect/bisect-log.js';
import { UserError } from '../../../src/errors.js';

const A = 'a'.repeat(64);
const B = 'b'.repeat(64);
const C = 'c'.repeat(64);

describe('parseLog', () => {
  it('reads start with its options and verdicts, skipping comments', () => {
    const text = [
      '# grove bisect log: started …',
      `grove bisect start --term-old broken --term-new fixed --remote fedora --ref f/44 --package 'mesa-*' --package kernel ${A} ${B}`,
      '# broken: 44.0002',
      `grove bisect broken ${C}`,
      '',
    ].join('\n');
    expect(parseLog(text)).toEqual([
      {
        kind: 'start',
        good: A,
        bad: B,
        options: {
          'term-old': 'broken',
          'term-new': 'fixed',
          remote: 'fedora',
          ref: 'f/44',
          package: ["'mesa-*'", 'kernel'],
        },
      },
      { kind: 'verdict', term: 'broken', checksum: C },
    ]);
  });

  it('names the line that is not a grove command or lacks a full checksum', () => {
    expect(() => parseLog('rm -rf /\n')).toThrow(/line 1 of the log is not a grove bisect command/);
    expect(() => parseLog(`grove bisect good abc\n`)).toThrow(UserError);
    expect(() => parseLog(`grove bisect start ${A}\n`)).toThrow(/needs GOOD and BAD/);
  });
});

describe('appendLog / dropFromLog', () => {
  it('appends durably and takes back the last verdicts with their comments', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'grove-log-'));
    try {
      const f = join(dir, 'log');
      await appendLog(f, ['# start', `grove bisect start ${A} ${B}`, '# good: x', `grove bisect good ${C}`]);
      await appendLog(f, ['# bad: y', `grove bisect bad ${A}`]);
      await dropFromLog(f, [A]);
      expect(await readFile(f, 'utf8')).toBe(
        `# start\ngrove bisect start ${A} ${B}\n# good: x\ngrove bisect good ${C}\n`,
      );
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
