import { describe, expect, it } from 'vitest';
import { CsvError, detectDelimiter, formatCsv, parseCsv, readCsv } from './csv.ts';
import { CSV_COLUMNS, fromCsv } from './formats.ts';

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
    expect(text.endsWith('\r\n')).toBe(true);
    expect(parseCsv(text)).toEqual(rows);
  });

  it('writes booleans and numbers as words and digits, and nothing for a missing value', () => {
    expect(formatCsv([[true, false, 0.25, 240, null, undefined, 'x']])).toBe('\uFEFFtrue,false,0.25,240,,,x\r\n');
  });

  it('refuses text after a closing quote instead of merging it into the cell, naming the line', () => {
    // Read naively, `"ab"c` would become the cell `abc`.
    expect(() => parseCsv('a,b\n"ab"c,d\n')).toThrow(CsvError);
    expect(() => parseCsv('a,b\n"ab"c,d\n')).toThrow(/^line 2: text follows a closing quote/);
  });

  it('names the line of a quote inside an unquoted field, of a quote never closed, and of a row with too many cells', () => {
    expect(() => parseCsv('a,b\nc,d"e\n')).toThrow(/^line 2: a quote in the middle of an unquoted field/);
    expect(() => parseCsv('a,b\nc,d\ne,"open\n')).toThrow(/^line 3: a quoted field is never closed/);
    expect(() => parseCsv('a,b\nc,d\ne,f,g\n')).toThrow(/^line 3: more cells than the header has columns/);
  });

  it('reads a short row with blanks for the missing cells', () => {
    expect(parseCsv('a,b,c\nx\n')).toEqual([['a', 'b', 'c'], ['x']]);
  });

  it('finds the delimiter from the header line: comma, semicolon (Excel in Spanish) or tab', () => {
    expect(detectDelimiter('family,family_name,weave\n')).toBe(',');
    expect(detectDelimiter('\uFEFFfamily;family_name;weave\r\nx;"a, b";c\r\n')).toBe(';');
    expect(detectDelimiter('family\tfamily_name\tweave\n')).toBe('\t');
    // Delimiters inside quotes do not count.
    expect(detectDelimiter('"a;b;c;d",e,f\n')).toBe(',');
    expect(detectDelimiter('single\n')).toBe(',');
    // Commas inside the values of a semicolon file stay in their cells.
    expect(readCsv('familia;composición\nlana-fria;"lana 98 %, elastano 2 %"\nlino;lino 100 %, sin forro\n')).toMatchObject({
      delimiter: ';',
      rows: [
        ['familia', 'composición'],
        ['lana-fria', 'lana 98 %, elastano 2 %'],
        ['lino', 'lino 100 %, sin forro'],
      ],
    });
  });

  it('gives each row the line it starts on, past cells with line breaks', () => {
    expect(readCsv('a,b\n"x\ny\nz",1\n\nq,2\n').lines).toEqual([1, 2, 6]);
  });
});

describe('the catalogue as CSV', () => {
  const header = CSV_COLUMNS.join(';');
  const row = (family: string, color: string, hex: string) =>
    [
      'lino-riviera',
      'Lino Riviera',
      'lino 100 %, sin forro',
      '240',
      'spring-summer',
      '',
      'plain',
      'solid',
      '0.3',
      '',
      '',
      '',
      '',
      '',
      'true',
      '1',
      color,
      family,
      hex,
      '',
      'true',
      '1',
    ].join(';');

  it('reads the semicolon file a Spanish Excel saves, with its byte-order mark', () => {
    const doc = fromCsv(`\uFEFF${header}\r\n${row('Arena', 'arena', '#B9A58A')}\r\n${row('Azul', 'azul', '#1C2841').replace(';1\r', ';2\r')}\r\n`);
    expect(doc.families).toHaveLength(1);
    expect(doc.families[0]).toMatchObject({ slug: 'lino-riviera', composition: 'lino 100 %, sin forro', weightGsm: 240 });
    expect(doc.families[0]!.colors.map((c) => [c.slug, c.name, c.hex])).toEqual([
      ['arena', 'Arena', '#B9A58A'],
      ['azul', 'Azul', '#1C2841'],
    ]);
  });

  it('says which line has malformed quoting', () => {
    const text = `${header}\n${row('Arena', 'arena', '#B9A58A')}\n${row('"Az"ul', 'azul', '#1C2841')}\n`;
    expect(() => fromCsv(text)).toThrow(/^Not a valid CSV file: line 3: text follows a closing quote/);
  });
});
