import { describe, expect, it } from 'vitest';
import { applyPatch } from './scim-patch.js';
import type { ScimUserFields } from './scim-user.js';
import { ScimError } from './scim.errors.js';

const adele: ScimUserFields = {
  userName: 'adele@contoso.example',
  displayName: 'Adele Vance',
  givenName: 'Adele',
  familyName: 'Vance',
  externalId: 'e-1',
  workEmail: null,
  active: true,
};
const patch = (...operations: unknown[]) =>
  applyPatch(adele, { schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'], Operations: operations });
const refusal = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    if (error instanceof ScimError) return { status: error.status, scimType: error.scimType };
    throw error;
  }
  throw new Error('expected a SCIM error');
};

describe('SCIM PATCH', () => {
  it("takes Entra ID's capitalised ops and its string booleans", () => {
    expect(patch({ op: 'Replace', path: 'active', value: 'False' }).active).toBe(false);
    expect(applyPatch({ ...adele, active: false }, { Operations: [{ op: 'Replace', path: 'active', value: 'True' }] }).active).toBe(true);
    expect(patch({ op: 'Add', path: 'emails[type eq "work"].value', value: 'adele.vance@contoso.example' }).workEmail).toBe(
      'adele.vance@contoso.example',
    );
    expect(patch({ op: 'Replace', path: 'userName', value: 'adele.v@contoso.example' }).userName).toBe('adele.v@contoso.example');
  });

  it("takes Okta's value object without a path", () => {
    expect(patch({ op: 'replace', value: { active: false } }).active).toBe(false);
    expect(patch({ op: 'replace', value: { name: { givenName: 'Ada' }, 'name.familyName': 'Lovelace', externalId: 'o-9' } })).toMatchObject(
      {
        givenName: 'Ada',
        familyName: 'Lovelace',
        externalId: 'o-9',
        displayName: 'Adele Vance',
      },
    );
  });

  it('ignores attributes and extension schemas it does not keep', () => {
    expect(
      patch(
        { op: 'Replace', path: 'title', value: 'Engineer' },
        { op: 'Add', path: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department', value: 'R&D' },
        { op: 'Replace', path: 'phoneNumbers[type eq "mobile"].value', value: '+31 6 1234 5678' },
        { op: 'replace', value: { 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User': { manager: 'x' }, 'some odd key!': 1 } },
      ),
    ).toEqual(adele);
  });

  it('removes what may be removed, and refuses to remove what may not', () => {
    expect(patch({ op: 'remove', path: 'externalId' }).externalId).toBeNull();
    expect(patch({ op: 'Remove', path: 'name.givenName' }).givenName).toBeNull();
    expect(refusal(() => patch({ op: 'remove', path: 'userName' }))).toEqual({ status: 400, scimType: 'mutability' });
    expect(refusal(() => patch({ op: 'remove' }))).toEqual({ status: 400, scimType: 'noTarget' });
  });

  it.each([
    [{}, 'invalidSyntax'],
    [{ Operations: [] }, 'invalidSyntax'],
    [{ Operations: 'replace' }, 'invalidSyntax'],
    [{ Operations: [null] }, 'invalidSyntax'],
    [{ Operations: [{ op: 'move', path: 'active', value: true }] }, 'invalidSyntax'],
    [{ Operations: [{ op: 'replace', path: 5, value: true }] }, 'invalidPath'],
    [{ Operations: [{ op: 'replace', path: 'emails[type eq', value: 'x' }] }, 'invalidPath'],
    [{ Operations: [{ op: 'replace', path: 'active', value: 'maybe' }] }, 'invalidValue'],
    [{ Operations: [{ op: 'replace', path: 'active' }] }, 'invalidValue'],
    [{ Operations: [{ op: 'replace', path: 'userName', value: 'not an email' }] }, 'invalidValue'],
    [{ Operations: [{ op: 'replace', path: 'displayName', value: 'x'.repeat(101) }] }, 'invalidValue'],
    [{ Operations: [{ op: 'replace', path: 'displayName', value: 'line\nbreak' }] }, 'invalidValue'],
    [{ Operations: [{ op: 'replace', value: [1, 2] }] }, 'invalidValue'],
    [{ Operations: Array.from({ length: 101 }, () => ({ op: 'replace', path: 'active', value: true })) }, 'tooMany'],
  ])('refuses %j with %s', (body, scimType) => {
    expect(refusal(() => applyPatch(adele, body))).toEqual({ status: 400, scimType });
  });
});
