/** A CSV cell: text, a number, or empty (null/undefined). */
export type CsvCell = string | number | null | undefined;

/** Characters spreadsheet apps read as the start of a formula. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * One CSV field (RFC 4180): quoted when it holds a comma, quote, line break
 * or leading/trailing space, with quotes doubled. Text that a spreadsheet
 * would run as a formula gets a leading apostrophe; numbers are written as-is.
 */
export function csvField(cell: CsvCell): string {
  if (cell === null || cell === undefined) {
    return '';
  }
  if (typeof cell === 'number') {
    return Number.isFinite(cell) ? String(cell) : '';
  }
  const text = FORMULA_START.test(cell) ? `'${cell}` : cell;
  return /[",\r\n]|^\s|\s$/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document with a header row, CRLF line ends (RFC 4180). */
export function buildCsv(header: string[], rows: CsvCell[][]): string {
  return [header, ...rows]
    .map(row => row.map(csvField).join(','))
    .join('\r\n')
    .concat('\r\n');
}

/** Saves `csv` as a file named `fileName` through a temporary link. */
export function downloadCsv(fileName: string, csv: string): void {
  const blob = new Blob([csv], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  URL.revokeObjectURL(url);
}
