import { describe, expect, it } from 'vitest';
import { escapeHtml } from '../../../src/domain/escape-html.js';
import { allocateByHsaId } from '../../../src/invoicing/cost-shares.js';
import { decimalOf, formatSek, oreOf } from '../../../src/invoicing/money.js';
import { invoiceHtml } from '../../../src/invoicing/render.js';

describe('amounts in öre', () => {
  it('reads and writes decimal amounts exactly', () => {
    expect(oreOf('9300.00')).toBe(930_000);
    expect(oreOf('9300')).toBe(930_000);
    expect(oreOf('-0.5')).toBe(-50);
    expect(oreOf(12.345)).toBe(1235);
    expect(decimalOf(-3_720_000)).toBe('-37200.00');
    expect(decimalOf(5)).toBe('0.05');
    expect(formatSek(3_720_000)).toBe('37\u00a0200,00');
    expect(() => oreOf('12,50')).toThrow(RangeError);
  });

  it('splits a total by weights so the parts add up to the öre, ties to the lowest HSA-ID', () => {
    // Stockholm 2020: 615 312 SEK over three districts' residents.
    const parts = allocateByHsaId(61_531_200, [
      { key: 'a', hsaId: 'SE2120001439-SDF1', weight: 1_000_001 },
      { key: 'b', hsaId: 'SE2120001439-SDF2', weight: 1_000_001 },
      { key: 'c', hsaId: 'SE2120001439-SDF3', weight: 344_122 },
    ]).parts;
    expect([...parts.values()].reduce((s, p) => s + p, 0)).toBe(61_531_200);
    expect(Math.abs(parts.get('a')! - (61_531_200 * 1_000_001) / 2_344_124)).toBeLessThan(1);
    // Support cost 2019: 3 250 000 SEK for 13 000 users = 250 SEK a user; 1 700 municipal.
    const support = allocateByHsaId(325_000_000, [
      { key: 'region', hsaId: 'SE2321000016-0001', weight: 11_300 },
      { key: 'municipalities', hsaId: 'SE2120000183-0001', weight: 1_700 },
    ]);
    expect(support.parts.get('municipalities')).toBe(42_500_000);
    // 100 öre in three equal shares: 33 each and 1 öre left, to the lowest HSA-ID ('y'),
    // whatever order the keys come in.
    const tie = allocateByHsaId(100, [
      { key: 'x', hsaId: 'SE2120000183-0003', weight: 1 },
      { key: 'y', hsaId: 'SE2120000183-0001', weight: 1 },
      { key: 'z', hsaId: 'SE2120000183-0002', weight: 1 },
    ]);
    expect(tie.parts).toEqual(
      new Map([
        ['x', 33],
        ['y', 34],
        ['z', 33],
      ]),
    );
    expect([...tie.roundedUp]).toEqual(['y']);
  });
});

describe('the printable invoice', () => {
  it('escapes everything it prints', () => {
    expect(escapeHtml(`<script>"x" & 'y'</script>`)).toBe(
      '&lt;script&gt;&quot;x&quot; &amp; &#39;y&#39;&lt;/script&gt;',
    );
    const html = invoiceHtml({
      id: 'i',
      kind: 'PAYMENT_RESPONSIBILITY',
      status: 'DRAFT',
      month: '2026-03',
      debtor: { name: 'Solna <stad>', hsaId: 'SE2120000183-0001' },
      creditor: { name: 'Region Stockholm', hsaId: 'SE2321000016-0001' },
      total: 0,
      lines: [
        {
          patientId: null,
          caseId: null,
          position: 1,
          kind: 'CREDIT',
          caseReference: 'BR-1',
          personalIdentityNumber: '191212121212',
          patientName: '<img src=x onerror=alert(1)>',
          protectedIdentity: false,
          description: 'd',
          days: -1,
          dates: ['2026-03-05'],
          pricePerDay: 930_000,
          amount: -930_000,
          correctsLinePosition: 1,
          eventIds: [],
          payableDays: [
            {
              date: '2026-03-05',
              reason: 'no longer supported: <b>after the discharge</b>',
              eventIds: [],
              readyNoticeId: null,
            },
          ],
        },
      ],
    });
    expect(html).toContain('Solna &lt;stad&gt;');
    expect(html).not.toContain('<img');
    expect(html).not.toContain('<b>');
    expect(html).toContain('&lt;b&gt;after the discharge&lt;/b&gt;');
    expect(html).toContain('Kredit av rad 1');
    expect(html).toContain('−9\u00a0300,00');
  });
});
