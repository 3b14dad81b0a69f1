import { describe, expect, it } from 'vitest';
import { parseFilter, parsePath, userQuery } from './scim-filter.js';
import { ScimError } from './scim.errors.js';

const conditions = (filter: string) => userQuery(parseFilter(filter));
const refusal = (run: () => unknown): { status: number; scimType?: string } => {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return { status: error.status, scimType: error.scimType };
    throw error;
  }
  throw new Error('expected a SCIM error');
};

describe('SCIM list filters', () => {
  it('reads what Entra ID and Okta send', () => {
    expect(conditions('userName eq "ad3c1e70-7a4b-4b7e-8c0a-5f1b8d7a9e21"')).toEqual([
      { field: 'userName', value: 'ad3c1e70-7a4b-4b7e-8c0a-5f1b8d7a9e21' },
    ]);
    expect(conditions('externalId eq "00aa-11"')).toEqual([{ field: 'externalId', value: '00aa-11' }]);
    expect(conditions('emails[type eq "work"].value eq "adele@contoso.example"')).toEqual([
      { field: 'email', value: 'adele@contoso.example' },
    ]);
    expect(conditions('userName eq "a@b.example" and externalId eq "x"')).toEqual([
      { field: 'userName', value: 'a@b.example' },
      { field: 'externalId', value: 'x' },
    ]);
  });

  it('takes attribute names, operators and keywords in any case, and the User schema URN', () => {
    expect(conditions('USERNAME EQ "x@y.example" AND EXTERNALID Eq "1"')).toEqual([
      { field: 'userName', value: 'x@y.example' },
      { field: 'externalId', value: '1' },
    ]);
    expect(conditions('urn:ietf:params:scim:schemas:core:2.0:User:userName eq "q"')).toEqual([{ field: 'userName', value: 'q' }]);
    expect(conditions('Emails[Type EQ "Work"].Value eq "w@x.example"')).toEqual([{ field: 'email', value: 'w@x.example' }]);
  });

  it('reads JSON escapes in strings', () => {
    expect(conditions(String.raw`userName eq "a\"b\\c\u0041"`)).toEqual([{ field: 'userName', value: 'a"b\\cA' }]);
  });

  it.each([
    'userName sw "a"',
    'userName eq "a" or userName eq "b"',
    'not (userName eq "a")',
    'displayName eq "Adele"',
    'userName eq true',
    'userName pr',
    'emails[type eq "home"].value eq "a@b.example"',
    'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:employeeNumber eq "1"',
  ])('refuses what it cannot answer exactly: %s', (filter) => {
    expect(refusal(() => conditions(filter))).toEqual({ status: 400, scimType: 'invalidFilter' });
  });

  it.each([
    '',
    'userName',
    'userName eq',
    'userName eq "unterminated',
    'userName eq "x" and',
    'userName xx "x"',
    '(userName eq "x"',
    'emails[type eq "work".value eq "x"',
    'emails[type eq "work"][x eq "y"] eq "z"',
    'userName eq "x" userName eq "y"',
    String.raw`userName eq "\x"`,
    '"x" eq userName',
    '('.repeat(50) + 'userName eq "x"' + ')'.repeat(50),
    'a'.repeat(3000),
  ])('refuses a malformed filter with invalidFilter: %s', (filter) => {
    expect(refusal(() => parseFilter(filter))).toEqual({ status: 400, scimType: 'invalidFilter' });
  });
});

describe('SCIM PATCH paths', () => {
  it('reads plain, dotted, filtered and URN-qualified paths', () => {
    expect(parsePath('active')).toEqual({ attribute: 'active' });
    expect(parsePath('name.givenName')).toEqual({ attribute: 'name', subAttribute: 'givenName' });
    expect(parsePath('emails[type eq "work"].value')).toMatchObject({
      attribute: 'emails',
      subAttribute: 'value',
      filter: { kind: 'compare', op: 'eq', value: 'work' },
    });
    expect(parsePath('urn:ietf:params:scim:schemas:core:2.0:User:name.familyName')).toEqual({
      schema: 'urn:ietf:params:scim:schemas:core:2.0:User',
      attribute: 'name',
      subAttribute: 'familyName',
    });
    expect(parsePath('urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department')).toEqual({
      schema: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
      attribute: 'department',
    });
  });

  it.each(['', '.', 'name.', 'emails[', 'emails[type eq "work"', 'emails]', 'a b', '1abc', 'name..x', 'urn:x:', 'emails[type eq "work"]x'])(
    'refuses a malformed path with invalidPath: %s',
    (path) => {
      expect(refusal(() => parsePath(path))).toEqual({ status: 400, scimType: 'invalidPath' });
    },
  );
});
