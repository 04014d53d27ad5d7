import { describe, expect, it } from 'vitest';
import { termToVerdict, verdictToTerm } from '../../../src/bisect/engine-input.js';

describe('terms', () => {
  const dflt = { old: 'good', new: 'bad' };
  const custom = { old: 'broken', new: 'fixed' };
  it('maps the terms in use, old/new and skip', () => {
    expect(termToVerdict(dflt, 'good')).toBe('good');
    expect(termToVerdict(dflt, 'bad')).toBe('bad');
    expect(termToVerdict(dflt, 'old')).toBe('good');
    expect(termToVerdict(dflt, 'new')).toBe('bad');
    expect(termToVerdict(custom, 'broken')).toBe('good');
    expect(termToVerdict(custom, 'fixed')).toBe('bad');
    expect(termToVerdict(custom, 'skip')).toBe('skip');
  });
  it('refuses good/bad once other terms are chosen, like git', () => {
    expect(termToVerdict(custom, 'good')).toBeNull();
    expect(termToVerdict(custom, 'bad')).toBeNull();
    expect(verdictToTerm(custom, 'good')).toBe('broken');
    expect(verdictToTerm(custom, 'skip')).toBe('skip');
  });
});
