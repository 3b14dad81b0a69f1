import { describe, expect, it } from 'vitest';
import { displayNameProblem, signInNameProblem } from './userNames';

describe('names typed for a user', () => {
  it('wants an email address as the sign-in name', () => {
    expect(signInNameProblem(' ada@example.test ')).toBeUndefined();
    expect(signInNameProblem('ada')).toBe('admin.users.create.emailInvalid');
    expect(signInNameProblem('ada @example.test')).toBe('admin.users.create.emailInvalid');
  });

  it('wants a display name of at most 100 characters, and one at all when renaming', () => {
    expect(displayNameProblem('', false)).toBeUndefined();
    expect(displayNameProblem('  ', true)).toBe('admin.users.rename.displayNameMissing');
    expect(displayNameProblem('x'.repeat(100), true)).toBeUndefined();
    expect(displayNameProblem('x'.repeat(101), false)).toBe('admin.users.create.displayNameTooLong');
  });
});
