import { describe, expect, it } from 'vitest';
import { requestIdOf } from './request-id.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

describe('requestIdOf', () => {
  it("keeps a proxy's id when it is a short safe token", () => {
    expect(requestIdOf('0f9e8d7c6b5a49382716f5e4d3c2b1a0')).toBe('0f9e8d7c6b5a49382716f5e4d3c2b1a0');
    expect(requestIdOf('trace-1.2:abc_D')).toBe('trace-1.2:abc_D');
  });

  it('makes a new one when there is none, or it is too long, repeated or could forge or break a log line', () => {
    for (const incoming of [undefined, '', 'a'.repeat(65), 'id with spaces', 'id"},"level":"fatal', 'ü', ['a', 'b']]) {
      expect(requestIdOf(incoming)).toMatch(UUID);
    }
  });

  it('makes a different one per request', () => {
    expect(requestIdOf(undefined)).not.toBe(requestIdOf(undefined));
  });
});
