/**
 * `npm run bench:getcareplans`: what schema validation of a GetCarePlans request costs
 * (src/patient-portal/schema-validation.ts: one xmllint process per document, the
 * contract's schemas compiled each time). Prints the median and 95th percentile of N
 * validations, one after another, with the machine's load average. Numbers go to
 * docs/performance.md by hand.
 */
import { loadavg } from 'node:os';
import { OID } from '../src/patient-portal/contract.js';
import { ContractSchemas } from '../src/patient-portal/schema-validation.js';
import { getCarePlansRequest } from '../test/support/patient-portal/consumer.js';

const runs = Number(process.argv[2] ?? 50);
const schemas = new ContractSchemas();
const request = getCarePlansRequest({
  logicalAddress: 'SE2321000016-BRYG',
  patientId: { id: '191212121212', type: OID.personnummer },
  careUnitHsaIds: ['SE2321000016-KS01', 'SE2321000016-VC03'],
  datePeriod: { start: '20260101', end: '20261231' },
});

async function measure(xml: string, schema: Parameters<ContractSchemas['validate']>[1]) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    const verdict = await schemas.validate(xml, schema);
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    if (!verdict.valid) throw new Error(`bench document is not valid: ${verdict.errors[0]}`);
  }
  times.sort((a, b) => a - b);
  const at = (q: number) => times[Math.min(times.length - 1, Math.floor(q * times.length))]!;
  return { median: at(0.5).toFixed(1), p95: at(0.95).toFixed(1) };
}

process.stdout.write(
  `${JSON.stringify(
    {
      runs,
      loadAverage: loadavg().map((l) => l.toFixed(2)),
      request: await measure(request, 'getcareplans-request-envelope.xsd'),
    },
    null,
    2,
  )}\n`,
);
