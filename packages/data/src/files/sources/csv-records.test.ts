import { describe, expect, it } from 'vitest';
import { csvRecords, csvValue } from './csv-records';

async function parse(chunks: string[], delimiter = ','): Promise<Array<[number, boolean, string[]]>> {
  async function* source() {
    yield* chunks;
  }
  const out: Array<[number, boolean, string[]]> = [];
  for await (const record of csvRecords(source(), delimiter)) out.push([record.line, record.bad, record.fields]);
  return out;
}

describe('csvRecords', () => {
  it('parses quoted delimiters, doubled quotes and line breaks inside quotes, with start lines', async () => {
    const text = 'a,b\r\n"x, y","say ""hi""\nthere"\r\n\n3,\n';
    expect(await parse([text])).toEqual([
      [1, false, ['a', 'b']],
      [2, false, ['x, y', 'say "hi"\nthere']],
      [5, false, ['3', '']],
    ]);
  });

  it('gives the same records however the text is split into chunks', async () => {
    const text = 'a,b\r\n"x, y","say ""hi""\r\nthere"\r\nlast,row';
    const whole = await parse([text]);
    for (let cut = 1; cut < text.length; cut++) expect(await parse([text.slice(0, cut), text.slice(cut)])).toEqual(whole);
    expect(whole.at(-1)).toEqual([4, false, ['last', 'row']]);
  });

  it('splits on tabs for TSV and keeps commas', async () => {
    expect(await parse(['k\tv\na,b\t"q\tq"\n'], '\t')).toEqual([[1, false, ['k', 'v']], [2, false, ['a,b', 'q\tq']]]);
  });

  it('marks text after a closing quote and an unclosed quote as bad, keeps quotes inside plain cells', async () => {
    expect(await parse(['"a"b,c\n5 "in" 6,d\n"open,e\n'])).toEqual([
      [1, true, ['ab', 'c']],
      [2, false, ['5 "in" 6', 'd']],
      [3, true, ['open,e\n']],
    ]);
  });
});

describe('csvValue', () => {
  it('turns whole plain numbers into numbers and leaves the rest as text', () => {
    expect(['12', '-3.5', '1e3', '.5', '0', '0.25'].map(csvValue)).toEqual([12, -3.5, 1000, 0.5, 0, 0.25]);
    expect(['', ' 1', '1 ', '0x10', 'NaN', 'Infinity', '007', '1,000', 'abc'].map(csvValue)).toEqual(['', ' 1', '1 ', '0x10', 'NaN', 'Infinity', '007', '1,000', 'abc']);
  });
});
