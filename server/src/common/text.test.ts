import { describe, expect, it } from 'vitest';
import { findRefusedText, textProblem, textProblemMessage } from './text.js';

describe('textProblem', () => {
  it('refuses every control character: C0 (NUL, tab, line breaks), DEL and C1', () => {
    const controls = [...Array.from({ length: 32 }, (_, i) => i), 0x7f, ...Array.from({ length: 32 }, (_, i) => 0x80 + i)];
    for (const code of controls) expect(textProblem(`a${String.fromCharCode(code)}b`), code.toString(16)).toBe('control character');
  });

  it('refuses unpaired surrogates but takes characters written as pairs', () => {
    for (const text of ['\ud800', 'a\udbff', '\udc00b', 'a\udc00\ud800b', '😀\ud83d']) expect(textProblem(text)).toBe('unpaired surrogate');
    expect(textProblem('😀 👨‍👩‍👧 \u{10ffff}')).toBeUndefined();
  });

  it('takes any other text, odd as it may look', () => {
    for (const text of ['', ' ', 'Ünïcödé 日本語', '\u202e\u200b\ufeff\uffff\u00a0\u2028', "'; DROP TABLE users; --"]) {
      expect(textProblem(text)).toBeUndefined();
    }
  });

  it('names the field but never repeats the text, which may be a password', () => {
    expect(textProblemMessage('input.password', 'control character')).toBe(
      'input.password must not contain control characters (such as NUL, tab or a line break).',
    );
    expect(textProblemMessage('input.name', 'unpaired surrogate')).toBe(
      'input.name is not valid Unicode text (it holds an unpaired surrogate).',
    );
  });
});

describe('findRefusedText', () => {
  it('finds the first refused text in nested inputs and lists, with its path', () => {
    expect(findRefusedText({ input: { name: 'ok', filter: { ids: ['a', 'b\u0000'] } } })).toEqual({
      field: 'input.filter.ids.1',
      problem: 'control character',
    });
    expect(findRefusedText({ id: '\udfff' })).toEqual({ field: 'id', problem: 'unpaired surrogate' });
    expect(findRefusedText({ input: { name: 'fine', when: new Date(), count: 3, on: true, none: null } })).toBeUndefined();
  });
});
