import { describe, expect, it } from 'vitest';
import {
  buildMetadata,
  buildRef,
  buildVersion,
  parseBuildRef,
  recipeHash,
} from '../../../src/builders/source-recipe.js';

describe('source recipe', () => {
  it('hashes the command into 16 hex digits that change with it', () => {
    const a = recipeHash('make && make install DESTDIR="$GROVE_DESTDIR"');
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(recipeHash('make && make install DESTDIR="$GROVE_DESTDIR"')).toBe(a);
    expect(recipeHash('make -j1 && make install DESTDIR="$GROVE_DESTDIR"')).not.toBe(a);
  });

  it('names and parses build refs', () => {
    const c = 'a'.repeat(40);
    const ref = buildRef('0123456789abcdef', c);
    expect(ref).toBe(`grove/builds/0123456789abcdef/${c}`);
    expect(parseBuildRef(ref)).toEqual({ recipe: '0123456789abcdef', sourceCommit: c });
    expect(parseBuildRef('grove/bisect/abc')).toBeNull();
  });

  it('reads its own metadata back and ignores commits it did not make', () => {
    const info = {
      checksum: 'c'.repeat(64),
      parent: null,
      subject: 's',
      body: '',
      timestamp: new Date(0),
      version: '44.0002+gaaaaaaaaaa',
      contentChecksum: null,
      metadata: {
        'grove.build.source-commit': 'a'.repeat(40),
        'grove.build.recipe': '0123456789abcdef',
        'grove.build.base': 'b'.repeat(64),
        'grove.build.installed-bytes': '1234',
      },
    };
    expect(buildMetadata(info)).toMatchObject({
      sourceCommit: 'a'.repeat(40),
      installedBytes: 1234,
      seconds: null,
    });
    expect(buildMetadata({ ...info, metadata: { version: 'x' } })).toBeNull();
  });

  it('derives the version from the base and the source commit', () => {
    expect(buildVersion('44.0002', 'abcdef0123456789')).toBe('44.0002+gabcdef0123');
    expect(buildVersion(null, 'abcdef0123456789')).toBe('gabcdef0123');
  });
});
