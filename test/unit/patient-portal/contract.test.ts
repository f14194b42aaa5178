import { describe, expect, it } from 'vitest';
import {
  contractDate,
  contractTimestamp,
  type GetCarePlansRequest,
  InvalidRequest,
  OID,
  patientQueryOf,
} from '../../../src/patient-portal/contract.js';
import { hasDocumentTypeDeclaration } from '../../../src/patient-portal/soap.js';
import { escapeXml } from '../../../src/patient-portal/xml.js';

/** Skatteverket's test personnummer 19121212-1212 and a samordningsnummer (day + 60). */
const PERSONNUMMER = '191212121212';
const SAMORDNINGSNUMMER = '197010632391';

function request(
  patientId: { id: string; type: string },
  datePeriod = null as GetCarePlansRequest['datePeriod'],
) {
  return {
    logicalAddress: 'SE2321000016-BRYG',
    careUnitHsaIds: [],
    patientId,
    datePeriod,
    sourceSystemHsaId: null,
    careContactIds: [],
  } satisfies GetCarePlansRequest;
}

describe('patientQueryOf: the request rules the schema cannot say', () => {
  it('accepts a personnummer and a samordningsnummer under their own OIDs', () => {
    expect(patientQueryOf(request({ id: PERSONNUMMER, type: OID.personnummer }))).toEqual({
      kind: 'NATIONAL_ID',
      personalIdentityNumber: PERSONNUMMER,
    });
    expect(
      patientQueryOf(request({ id: SAMORDNINGSNUMMER, type: OID.samordningsnummer })),
    ).toMatchObject({ kind: 'NATIONAL_ID' });
  });

  it.each([
    ['a separator', '19121212-1212', OID.personnummer],
    ['ten digits', '1212121212', OID.personnummer],
    ['a wrong check digit', '191212121213', OID.personnummer],
    ['a personnummer under the samordningsnummer OID', PERSONNUMMER, OID.samordningsnummer],
    ['a samordningsnummer under the personnummer OID', SAMORDNINGSNUMMER, OID.personnummer],
  ])('refuses %s', (_what, id, type) => {
    expect(() => patientQueryOf(request({ id, type }))).toThrow(InvalidRequest);
  });

  it('treats any other OID as a reserve number, which finds nothing here', () => {
    expect(patientQueryOf(request({ id: 'R-77', type: '1.2.752.97.3.1.3' }))).toEqual({
      kind: 'OTHER_ID',
    });
  });

  it('refuses a period that ends before it starts', () => {
    expect(() =>
      patientQueryOf(
        request(
          { id: PERSONNUMMER, type: OID.personnummer },
          { start: '20260102', end: '20260101' },
        ),
      ),
    ).toThrow('datePeriod.end is before datePeriod.start');
  });
});

describe("the contract's times and text", () => {
  it('writes Swedish wall-clock time, winter and summer', () => {
    expect(contractTimestamp(new Date('2026-01-15T08:05:09Z'))).toBe('20260115090509');
    expect(contractTimestamp(new Date('2026-07-01T22:30:00Z'))).toBe('20260702003000');
    expect(contractDate(new Date('2026-07-01T22:30:00Z'))).toBe('20260702');
  });

  it('escapes markup and drops characters XML cannot carry', () => {
    expect(escapeXml(`<a href="x">&'\u0001</a>`)).toBe(
      '&lt;a href=&quot;x&quot;&gt;&amp;&apos;&lt;/a&gt;',
    );
  });

  it('spots a DTD or entity declaration in any case', () => {
    expect(hasDocumentTypeDeclaration('<?xml version="1.0"?><!doctype x><x/>')).toBe(true);
    expect(hasDocumentTypeDeclaration('<x><!ENTITY y "z"></x>')).toBe(true);
    expect(hasDocumentTypeDeclaration('<x>DOCTYPE</x>')).toBe(false);
  });
});
