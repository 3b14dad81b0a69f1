import { print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { SecurityInfoDocument, ViewerDocument } from '@app-passwords/schema';
import { asksSecurityInfoAlone } from './security-info-with-session.js';

describe('asksSecurityInfoAlone', () => {
  it("takes the console's security-info page, and smaller selections of it, with fragments and __typename", () => {
    expect(asksSecurityInfoAlone(print(SecurityInfoDocument), 'SecurityInfo')).toBe(true);
    expect(asksSecurityInfoAlone(print(SecurityInfoDocument), undefined)).toBe(true);
    expect(asksSecurityInfoAlone('{ viewer { email securityInfo { appPasswordCount } } }', undefined)).toBe(true);
    expect(
      asksSecurityInfoAlone('{ __typename viewer { ... on Viewer { securityInfo { __typename twoStep { enabled } } } } }', undefined),
    ).toBe(true);
    expect(asksSecurityInfoAlone('query A { viewer { id } } query B { viewer { securityInfo { appPasswordCount } } }', 'B')).toBe(true);
  });

  it('leaves every other query to the ordinary session lookup', () => {
    const alone = (text: string, name?: string) => asksSecurityInfoAlone(text, name);
    // Nothing to read beside the session, or something else to read.
    expect(alone(print(ViewerDocument))).toBe(false);
    expect(alone('{ viewer { securityInfo { appPasswordCount } signIns(first: 1) { edges { node { id } } } } }')).toBe(false);
    expect(alone('{ viewer { securityInfo { appPasswords { id owner { email } } } } }')).toBe(false);
    expect(alone('{ viewer { securityInfo { appPasswordCount } } services { key } }')).toBe(false);
    expect(alone('{ viewer { securityInfo { appPasswordCount } language } }')).toBe(false);
    // Arguments, mutations, other operations, unknown fragments, bad text.
    expect(alone('{ viewer { appPassword(id: "x") { id } securityInfo { appPasswordCount } } }')).toBe(false);
    expect(alone('mutation { viewer { securityInfo { appPasswordCount } } }')).toBe(false);
    expect(alone('query A { viewer { securityInfo { appPasswordCount } } } query B { viewer { id } }', 'B')).toBe(false);
    expect(alone('query A { viewer { securityInfo { appPasswordCount } } } query B { viewer { id } }')).toBe(false);
    expect(alone('{ viewer { securityInfo { ...Missing } } }')).toBe(false);
    expect(alone('{ viewer { securityInfo { appPasswordCount }')).toBe(false);
  });
});
