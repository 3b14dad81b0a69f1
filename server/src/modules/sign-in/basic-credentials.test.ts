import { describe, expect, it } from 'vitest';
import { parseBasicCredentials } from './basic-credentials.js';

const basic = (raw: string | Buffer) => `Basic ${Buffer.from(raw).toString('base64')}`;

describe('parseBasicCredentials', () => {
  it('reads the sign-in name and password, splitting at the first colon', () => {
    expect(parseBasicCredentials(basic('adele@contoso.example:abcd efgh'))).toEqual({
      signInName: 'adele@contoso.example',
      password: 'abcd efgh',
    });
    expect(parseBasicCredentials(basic('a@b.c:pass:with:colons'))).toEqual({ signInName: 'a@b.c', password: 'pass:with:colons' });
    expect(parseBasicCredentials(`bAsIc   ${Buffer.from('a@b.c:x').toString('base64')}`)).toEqual({ signInName: 'a@b.c', password: 'x' });
    expect(parseBasicCredentials(basic('josé@exämple.test:pässword'))).toEqual({ signInName: 'josé@exämple.test', password: 'pässword' });
  });

  it.each([
    ['no header', undefined],
    ['an empty header', ''],
    ['another scheme', 'Bearer abc.def'],
    ['the scheme alone', 'Basic'],
    ['not base64', 'Basic !!!notbase64!!!'],
    ['base64 of the wrong length', 'Basic YWJj='],
    ['two tokens', `Basic ${Buffer.from('a:b').toString('base64')} extra`],
    ['no colon', basic('adele@contoso.example')],
    ['an empty name', basic(':password')],
    ['a blank name', basic('   :password')],
    ['an empty password', basic('adele@contoso.example:')],
    ['a control character in the name', basic('ad\u0000ele:password')],
    ['a control character in the password', basic('adele:pass\u001bword')],
    ['bytes that are not UTF-8', basic(Buffer.from([0x61, 0x3a, 0xff, 0xfe]))],
    ['a 64 KB header', basic(`a:${'x'.repeat(64 * 1024)}`)],
  ])('refuses %s', (_label, header) => {
    expect(parseBasicCredentials(header)).toBeUndefined();
  });

  it('never throws on random input', () => {
    for (let i = 0; i < 2000; i++) {
      const bytes = Buffer.from(Array.from({ length: Math.floor(Math.random() * 80) }, () => Math.floor(Math.random() * 256)));
      expect(() => parseBasicCredentials(`Basic ${bytes.toString('base64')}`)).not.toThrow();
      expect(() => parseBasicCredentials(bytes.toString('latin1'))).not.toThrow();
    }
  });
});
