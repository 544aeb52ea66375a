import { describe, expect, it } from 'vitest';
import { parseReferenceData } from './parse-reference-data';

describe('parseReferenceData', () => {
  it.each([
    [
      'CSV with the key first',
      'device_id,model,region,firmware\nd1,X200,eu,2\nd2,"Y9, rev ""b""",us,3.1\n',
      'csv' as const,
      undefined,
      [
        { key: 'd1', attributes: { model: 'X200', region: 'eu', firmware: 2 } },
        { key: 'd2', attributes: { model: 'Y9, rev "b"', region: 'us', firmware: 3.1 } },
      ],
    ],
    [
      'CSV with a named key column and an empty cell',
      'model,id,beta\r\nX,d1,true\r\nY,d2,\r\n',
      'csv' as const,
      'id',
      [
        { key: 'd1', attributes: { model: 'X', beta: true } },
        { key: 'd2', attributes: { model: 'Y' } },
      ],
    ],
    ['JSON array', '[{"id":"d1","model":"X"},{"id":7,"model":"Z"}]', 'json' as const, undefined, [
      { key: 'd1', attributes: { model: 'X' } },
      { key: '7', attributes: { model: 'Z' } },
    ]],
    ['JSON object', '{"d1":{"model":"X","firmware":2}}', 'json' as const, undefined, [{ key: 'd1', attributes: { model: 'X', firmware: 2 } }]],
  ])('%s', (_name, text, format, keyColumn, expected) => {
    expect(parseReferenceData(text, format, keyColumn)).toEqual(expected);
  });

  it.each([
    ['', 'csv' as const, /header/],
    ['id,a\nd1,1,2\n', 'csv' as const, /line 2: 3 fields/],
    ['id,a\nd1,1\nd1,2\n', 'csv' as const, /duplicate key "d1"/],
    ['id,a\n"d1,1\n', 'csv' as const, /unterminated quote/],
    ['id,__proto__\nd1,1\n', 'csv' as const, /invalid column name/],
    ['[{"model":"X"}]', 'json' as const, /no "id" key/],
    ['{"d1":{"nested":{"a":1}}}', 'json' as const, /must be a string, number or boolean/],
    ['not json', 'json' as const, /not JSON/],
  ])('refuses %j with a reason', (text, format, reason) => {
    expect(() => parseReferenceData(text, format)).toThrow(reason);
  });
});
