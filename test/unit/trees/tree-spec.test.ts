import { describe, expect, it } from 'vitest';
import { UsageError, UserError } from '../../../src/errors.js';
import { parseTreeSpec, resolveTreeSpec, type SpecDeployment } from '../../../src/trees/tree-spec.js';

const d = (index: number, c: string, extra: Partial<SpecDeployment> = {}): SpecDeployment => ({
  index,
  stateroot: 'fedora',
  checksum: c.padEnd(64, '0'),
  serial: 0,
  version: null,
  booted: false,
  rollback: false,
  default: index === 0,
  ...extra,
});

describe('parseTreeSpec', () => {
  it.each([
    ['booted', { kind: 'role', role: 'booted' }],
    ['rollback', { kind: 'role', role: 'rollback' }],
    ['2', { kind: 'index', index: 2, stateroot: null }],
    ['rawhide:1', { kind: 'index', index: 1, stateroot: 'rawhide' }],
    ['3f2a9c1', { kind: 'checksum', prefix: '3f2a9c1' }],
    ['44.0137', { kind: 'version', version: '44.0137' }],
  ])('%s', (text, spec) => expect(parseTreeSpec(text)).toEqual(spec));

  it('rejects what cannot be a tree with a usage error naming the value', () => {
    expect(() => parseTreeSpec('no such/thing')).toThrow(UsageError);
    expect(() => parseTreeSpec('no such/thing')).toThrow(/'no such\/thing' is not a tree spec/);
  });
});

describe('resolveTreeSpec', () => {
  const ds = [d(0, 'aaaa111', { version: '44.0002' }), d(1, 'bbbb222', { version: '44.0001', booted: true })];
  it('finds roles, indexes, versions and prefixes of deployments', () => {
    expect(resolveTreeSpec('booted', ds).checksum).toBe(ds[1]!.checksum);
    expect(resolveTreeSpec('0', ds).checksum).toBe(ds[0]!.checksum);
    expect(resolveTreeSpec('fedora:1', ds).checksum).toBe(ds[1]!.checksum);
    expect(resolveTreeSpec('44.0001', ds).checksum).toBe(ds[1]!.checksum);
    expect(resolveTreeSpec('aaaa111', ds).checksum).toBe(ds[0]!.checksum);
  });

  it('falls back to other commits, such as remote history', () => {
    const r = resolveTreeSpec('44.0137', ds, [{ checksum: 'c'.repeat(64), version: '44.0137' }]);
    expect(r).toMatchObject({ kind: 'commit', checksum: 'c'.repeat(64) });
  });

  it('says when a spec is out of range, missing or ambiguous', () => {
    expect(() => resolveTreeSpec('7', ds)).toThrow(/has 2 deployments \(0\.\.1\)/);
    expect(() => resolveTreeSpec('rollback', ds)).toThrow(UserError);
    expect(() => resolveTreeSpec('44.9999', ds)).toThrow(/no tree or commit matches version 44.9999/);
    const twins = [
      { checksum: 'abcdef1' + '1'.repeat(57), version: 'x' },
      { checksum: 'abcdef1' + '2'.repeat(57), version: 'y' },
    ];
    expect(() => resolveTreeSpec('abcdef1', [], twins)).toThrow(/ambiguous/);
  });
});
