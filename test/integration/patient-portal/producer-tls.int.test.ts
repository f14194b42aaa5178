import { join } from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config.js';
import { OID } from '../../../src/patient-portal/contract.js';
import { readConfiguredProducerTls } from '../../../src/patient-portal/tls-files.js';
import { residentWithoutCase } from '../../support/demo.js';
import { PORTAL, producerEnv } from '../../support/patient-portal/agreed-plan.js';
import { makeTestPki, type TestPki } from '../../support/patient-portal/certificates.js';
import { getCarePlansRequest, post, readAnswer } from '../../support/patient-portal/consumer.js';
import { startTestServer, type TestServer } from '../../support/server.js';

/**
 * The producer's certificate files are read once, at the process's start (src/main.ts),
 * and what they hold is handed to the server: a server given that material starts the
 * producer with it and never opens the files again, here because they are gone by then.
 */
let pki: TestPki;
let server: TestServer | undefined;

beforeAll(async () => {
  pki = await makeTestPki();
}, 60_000);

afterAll(async () => {
  await server?.close();
  await pki?.remove();
});

it('starts the producer with the material read at the start, without reading the files again', {
  timeout: 120_000,
}, async () => {
  const env = producerEnv(pki);
  const producerTls = await readConfiguredProducerTls(loadConfig({ NODE_ENV: 'test', ...env }));
  expect(producerTls).not.toBeNull();
  const gone = (name: string) => join(pki.dir, `gone-${name}.pem`);
  server = await startTestServer(
    {
      ...env,
      CARE_PLANS_PRODUCER_TLS_CERT_FILE: gone('cert'),
      CARE_PLANS_PRODUCER_TLS_KEY_FILE: gone('key'),
      CARE_PLANS_PRODUCER_CLIENT_CA_FILE: gone('ca'),
    },
    { producerTls },
  );
  const answer = await post(
    server.carePlansProducer!.url,
    getCarePlansRequest({
      logicalAddress: PORTAL.logicalAddress,
      patientId: { id: residentWithoutCase(5).personalIdentityNumber, type: OID.personnummer },
    }),
    { client: pki.platform, ca: pki.ca.cert },
  );
  expect(answer.status, answer.body).toBe(200);
  expect(readAnswer(answer.body).resultCode).toBe('OK');
});
