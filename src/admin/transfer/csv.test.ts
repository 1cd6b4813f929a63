import { describe, expect, it } from 'vitest';
import { CsvError, formatCsv, parseCsv } from './csv.ts';

describe('CSV', () => {
  it('reads quotes, commas, doubled quotes and line breaks inside fields, CRLF and a BOM', () => {
    const text = '\uFEFFa,b,c\r\n"x, y","say ""hi""","two\nlines"\r\n,,\r\n\r\n';
    expect(parseCsv(text)).toEqual([
      ['a', 'b', 'c'],
      ['x, y', 'say "hi"', 'two\nlines'],
      ['', '', ''],
    ]);
  });

  it('round-trips whatever it writes', () => {
    const rows = [
      ['family', 'name', 'note'],
      ['lana-cachemir', 'Lana "Cachemir", 2/2', ' leading space'],
      ['x', 'multi\r\nline', ''],
    ];
    const text = formatCsv(rows);
    expect(text.startsWith('\uFEFF')).toBe(true);
    expect(parseCsv(text)).toEqual(rows);
  });

  it('names the line of a malformed field', () => {
    expect(() => parseCsv('a,b\nc,"open\n')).toThrow(CsvError);
    expect(() => parseCsv('a,b\nc,d"e\n')).toThrow(/line 2/);
  });
});
