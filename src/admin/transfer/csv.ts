/**
 * CSV as spreadsheets write it, read with csv-parse and written with csv-stringify (RFC 4180):
 * fields with delimiters, quotes or line breaks in double quotes, quotes doubled; CRLF or LF.
 *
 * Reading: the delimiter is the one of `,` `;` or tab that splits the header line most (Excel in a
 * Spanish or German locale writes `;`, LibreOffice often offers tab); a UTF-8 byte-order mark is
 * dropped; malformed quoting is an error naming its line, never a silently merged cell.
 * Writing: commas, CRLF, and a byte-order mark so that Excel reads "Azul Marino" and "Cachemir" with
 * their accents.
 */
import { CsvError as ParserError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';

export class CsvError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(`line ${line}: ${message}`);
    this.name = 'CsvError';
  }
}

export type CsvDelimiter = ',' | ';' | '\t';
const DELIMITERS: CsvDelimiter[] = [',', ';', '\t'];

export interface CsvTable {
  delimiter: CsvDelimiter;
  rows: string[][];
  /** The line of the file each row starts on (1-based), for messages that point at the row. */
  lines: number[];
}

/** The delimiter that splits the first line (outside quotes) into the most fields; `,` when none does. */
export function detectDelimiter(text: string): CsvDelimiter {
  const counts = new Map<CsvDelimiter, number>(DELIMITERS.map((d) => [d, 0]));
  let quoted = false;
  for (let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; i < text.length; i++) {
    const ch = text[i]!;
    if (ch === '"') quoted = !quoted;
    else if (!quoted && (ch === '\n' || ch === '\r')) break;
    else if (!quoted && counts.has(ch as CsvDelimiter)) counts.set(ch as CsvDelimiter, counts.get(ch as CsvDelimiter)! + 1);
  }
  let best: CsvDelimiter = ',';
  for (const d of DELIMITERS) if (counts.get(d)! > counts.get(best)!) best = d;
  return best;
}

/** What went wrong, in a person's words, by csv-parse's error code. */
function explain(error: ParserError): string {
  switch (error.code) {
    case 'CSV_INVALID_CLOSING_QUOTE':
      return 'text follows a closing quote; a field in quotes must end at its closing quote (write a quote inside a field as "")';
    case 'INVALID_OPENING_QUOTE':
      return 'a quote in the middle of an unquoted field; put the whole field in quotes and double the quote ("")';
    case 'CSV_QUOTE_NOT_CLOSED':
      return 'a quoted field is never closed';
    case 'CSV_RECORD_INCONSISTENT_FIELDS_LENGTH':
      return 'more cells than the header has columns (a delimiter inside a value that is not in quotes?)';
    default:
      return error.message;
  }
}

export function readCsv(text: string): CsvTable {
  const delimiter = detectDelimiter(text);
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, {
      bom: true,
      delimiter,
      info: true,
      skip_empty_lines: true,
      // Spreadsheets drop trailing empty cells now and then: a short row is read with blanks.
      relax_column_count_less: true,
    }) as unknown as typeof records;
  } catch (error) {
    if (error instanceof ParserError) throw new CsvError(explain(error), (error as ParserError & { lines?: number }).lines ?? 1);
    throw error;
  }
  const rows = records.map((r) => r.record);
  // csv-parse reports the line a record ends on; a record with line breaks in its cells began earlier.
  const lines = records.map(({ record, info }) => info.lines - record.reduce((n, cell) => n + (cell.match(/\n/g)?.length ?? 0), 0));
  return { delimiter, rows, lines };
}

export function parseCsv(text: string): string[][] {
  return readCsv(text).rows;
}

export function formatCsv(rows: Array<Array<string | number | boolean | null | undefined>>): string {
  return stringify(rows, {
    bom: true,
    record_delimiter: 'windows',
    // Leading and trailing spaces survive a spreadsheet only inside quotes.
    quoted_match: /^\s|\s$/,
    cast: { boolean: (value) => String(value) },
  });
}
