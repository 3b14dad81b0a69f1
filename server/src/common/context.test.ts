import { describe, expect, it } from 'vitest';
import { cleanUserAgent } from './context.js';
import { textProblem } from './text.js';

/** A header value as Node hands it over: each byte one latin1 character. */
const wire = (text: string) => Buffer.from(text, 'utf8').toString('latin1');

describe('cleanUserAgent', () => {
  it('keeps a plain agent as it is', () => {
    expect(cleanUserAgent('Mozilla/5.0 (X11; Linux x86_64) Thunderbird/128.0')).toBe('Mozilla/5.0 (X11; Linux x86_64) Thunderbird/128.0');
    expect(cleanUserAgent(undefined)).toBeNull();
    expect(cleanUserAgent('')).toBeNull();
  });

  it('reads the bytes as UTF-8, and stores no control character', () => {
    expect(cleanUserAgent(wire('Mail für Jürgen 日本'))).toBe('Mail für Jürgen 日本');
    expect(cleanUserAgent('tab\there')).toBe('tab\ufffdhere');
    expect(cleanUserAgent('next line \x85 (C1)')).toBe('next line \ufffd (C1)');
    expect(cleanUserAgent(wire('esc \u0085 as UTF-8'))).toBe('esc \ufffd as UTF-8');
  });

  it('cuts at 512 characters without splitting one', () => {
    expect(cleanUserAgent('a'.repeat(600))).toBe('a'.repeat(512));
    const emoji = cleanUserAgent(wire(`a${'😀'.repeat(400)}`))!;
    expect(emoji.length).toBe(511);
    expect(textProblem(emoji)).toBeUndefined();
  });
});
