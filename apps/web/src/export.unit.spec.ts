import { TableLike, UTF8_BOM, csvDocument, csvField, fileNamePart, tableCsv, toCsv } from './export';

/** A table as the DOM gives it, built from plain values (the unit tests run without a browser). */
function table(head: string[] | null, bodies: (string | { text: string; csv: string })[][][]): TableLike {
  const cell = (value: string | { text: string; csv: string }) =>
    typeof value === 'string' ? { textContent: value, getAttribute: () => null } : { textContent: value.text, getAttribute: (name: string) => (name === 'data-csv' ? value.csv : null) };
  return {
    tHead: head ? { rows: [{ cells: head.map(cell) }] } : null,
    tBodies: bodies.map((rows) => ({ rows: rows.map((cells) => ({ cells: cells.map(cell) })) })),
  };
}

describe('CSV downloads (RFC 4180)', () => {
  it('quotes a field only when it holds a quote, a comma or a line break, and doubles its quotes', () => {
    expect(csvField('Linköping')).toBe('Linköping');
    expect(csvField('Linköping, Norrköping')).toBe('"Linköping, Norrköping"');
    expect(csvField('Kommunalförbundet "4:e storstadsregionen"')).toBe('"Kommunalförbundet ""4:e storstadsregionen"""');
    expect(csvField('två\nrader')).toBe('"två\nrader"');
    expect(csvField('cr\rhere')).toBe('"cr\rhere"');
    // A formula is written as text, as the API's own CSV does.
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+46')).toBe("'+46");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField('-1')).toBe("'-1");
    expect(csvField('–')).toBe('–');
    expect(csvField(' mellanslag ')).toBe(' mellanslag ');
    expect(csvField(null)).toBe('');
    expect(csvField(undefined)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvField(false)).toBe('false');
  });

  it('writes a header row and the rows, each line ended by CRLF', () => {
    expect(toCsv(['Kommun', 'Utförare'], [['Linköping', 'Norrköping'], ['Ydre', 'Egen regi, tills vidare']])).toBe('Kommun,Utförare\r\nLinköping,Norrköping\r\nYdre,"Egen regi, tills vidare"\r\n');
    expect(toCsv(['a'], [])).toBe('a\r\n');
  });

  it('starts the file with the UTF-8 byte order mark, so that a spreadsheet reads å, ä and ö', () => {
    const text = csvDocument(['Län'], [['Östergötlands län']]);
    expect(text.startsWith(UTF8_BOM)).toBe(true);
    expect(Array.from(new TextEncoder().encode(text).slice(0, 3))).toEqual([0xef, 0xbb, 0xbf]);
    expect(text.slice(1)).toBe('Län\r\nÖstergötlands län\r\n');
  });

  it('reads a table as shown: the header, every row of every body, white space collapsed, data-csv where given', () => {
    const csv = tableCsv(
      table(
        ['Titel', 'Typ'],
        [
          [['  Linköping köper\n   lön ', 'Avtal']],
          [
            ['Förbund, "4:e"', { text: '2019-12-16 10:00:00', csv: '2019-12-16T10:00:00.000Z' }],
            ['', 'Utredning'],
          ],
        ],
      ),
    );
    expect(csv).toBe(`${UTF8_BOM}Titel,Typ\r\nLinköping köper lön,Avtal\r\n"Förbund, ""4:e""",2019-12-16T10:00:00.000Z\r\n,Utredning\r\n`);
    // One line per row plus the header.
    expect(csv.split('\r\n').filter(Boolean)).toHaveLength(4);
    expect(tableCsv(table(null, [[['x']]]))).toBe(`${UTF8_BOM}\r\nx\r\n`);
  });

  it('makes file names of register values', () => {
    expect(fileNamePart('2020-06-01')).toBe('2020-06-01');
    expect(fileNamePart('lkp-buys-payroll-2020')).toBe('lkp-buys-payroll-2020');
    expect(fileNamePart('2030-01-01T00:00:00.250Z')).toBe('2030-01-01T00-00-00-250Z');
    expect(fileNamePart('../etc')).toBe('etc');
  });
});
