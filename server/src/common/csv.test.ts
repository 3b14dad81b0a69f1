import { describe, expect, it } from 'vitest';
import { csvCell, csvRow } from './csv.js';

/** The pieces a spreadsheet may cut a written cell into: it splits on commas, semicolons (Dutch, German), tabs or line breaks. */
const piecesOf = (written: string) => written.replace(/^"/, '').split(/[,;\t\r\n]/);

describe('csv', () => {
  it('quotes every text cell per RFC 4180, doubling quotes, with CRLF records; numbers and dates stay bare', () => {
    expect(csvRow(['plain', 'a,b', 'say "hi"', 'two\nlines', null, 42])).toBe('"plain","a,b","say ""hi""","two\nlines",,42\r\n');
    expect(csvCell(new Date('2026-01-02T03:04:05Z'))).toBe('2026-01-02T03:04:05.000Z');
    expect(csvCell('user@example.com')).toBe('"user@example.com"');
  });

  it('defuses cells a spreadsheet would run as formulas', () => {
    expect(csvCell('=HYPERLINK("http://evil","click")')).toBe(`"'=HYPERLINK(""http://evil"",""click"")"`);
    for (const start of ['=', '+', '-', '@', '\t', '\r']) expect(csvCell(`${start}1+1`)).toBe(`"'${start}1+1"`);
  });

  it('defuses a formula after a semicolon, which Dutch and German Excel split on', () => {
    const userAgent = "x;=cmd|' /C calc'!A0";
    expect(csvCell(userAgent)).toBe(`"x;'=cmd|' /C calc'!A0"`);
    expect(csvRow(['id', userAgent])).toBe(`"id","x;'=cmd|' /C calc'!A0"\r\n`);
  });

  it.each([
    ['a comma', 'Laptop,=1+1'],
    ['a semicolon', 'Laptop;+1+1'],
    ['a tab', 'Laptop\t-1+1'],
    ['a line feed', 'Laptop\n@SUM(A1)'],
    ['a carriage return', 'Laptop\r=1+1'],
    ['two in a row', ';;=1;\t\t=2'],
  ])('wherever a spreadsheet splits the cell, no piece starts a formula: after %s', (_name, text) => {
    const written = csvCell(text);
    for (const piece of piecesOf(written)) expect(piece, JSON.stringify(written)).not.toMatch(/^[=+\-@]/);
    expect(written.replace(/'(?=[=+\-@\t\r])/g, '')).toBe(`"${text.replace(/"/g, '""')}"`); // only apostrophes were added
  });

  it('leaves harmless text alone apart from the quotes', () => {
    expect(csvCell('a - b, c; d @ e')).toBe('"a - b, c; d @ e"');
    expect(csvCell('Mozilla/5.0 (X11; Linux x86_64)')).toBe('"Mozilla/5.0 (X11; Linux x86_64)"');
  });
});
