import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Queryable } from '../audit/writer.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../http/logger.js';
import { InvalidRequest, patientQueryOf } from './contract.js';
import { logDisclosure, type PlatformIdentity } from './disclosure-log.js';
import { publishedPlansOf } from './published-plans.js';
import { faultEnvelope, responseEnvelope } from './render.js';
import type { ContractSchemas } from './schema-validation.js';
import { hasDocumentTypeDeclaration, readRequest } from './soap.js';
import { PublishedContract } from './wsdl.js';

/** Where the producer answers: RIV-TA's usual path for the interaction and its profile. */
export const GET_CARE_PLANS_PATH = '/clinicalprocess/logistics/logistics/GetCarePlans/2/rivtabp21';

/** A request is a few hundred bytes; the largest sensible one (many unit ids) far below this. */
export const MAX_REQUEST_BYTES = 64 * 1024;

export interface ProducerOptions {
  prisma: PrismaClient;
  /** The connection the access-log rows are appended on (committed when the call returns). */
  accessLog: Queryable;
  accessLogLockWaitMs: number;
  schemas: ContractSchemas;
  logger: Logger;
  logicalAddresses: readonly string[];
  sourceSystemHsaId: string;
  platformHsaId: string;
  now?: () => Date;
}

interface Answer {
  status: number;
  body: string;
  outcome: string;
}

const fault = (status: number, code: 'Client' | 'Server', message: string, outcome: string) => ({
  status,
  body: faultEnvelope(code, message),
  outcome,
});

/**
 * The GetCarePlans producer's HTTP handler (SOAP 1.1, RIV-TA BP 2.1). Behind it is a TLS
 * listener that only the pinned platform certificate gets through (./server.ts).
 *
 * Faults, as RIV-TA prescribes for errors that are not the service's logic: a request
 * that is not a SOAP envelope valid against the contract's schema, or names a logical
 * address we do not serve, gets `soap:Client`; a failure of ours (the database, the
 * access log) gets `soap:Server`; both with HTTP 500, as SOAP 1.1 over HTTP (and WS-I
 * Basic Profile) has every fault. A request valid by the schema that breaks a rule of the
 * contract (a personnummer of the wrong shape or check digit, an inverted period) is
 * answered by the contract's own result: resultCode ERROR, errorCode INVALID_REQUEST.
 */
export function getCarePlansHandler(options: ProducerOptions) {
  const now = options.now ?? (() => new Date());
  return async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const logId = randomUUID();
    let answer: Answer;
    try {
      answer = await answerRequest(req, logId);
    } catch (error) {
      options.logger.error('GetCarePlans failed', { logId, error: String(error) });
      answer = fault(
        500,
        'Server',
        `A technical error occurred in the producer; logId ${logId}.`,
        'SERVER_FAULT',
      );
    }
    options.logger.info('GetCarePlans', { logId, status: answer.status, outcome: answer.outcome });
    res
      .writeHead(answer.status, {
        'content-type': 'text/xml; charset=utf-8',
        'cache-control': 'no-store',
      })
      .end(answer.body);
  };

  async function answerRequest(req: IncomingMessage, logId: string): Promise<Answer> {
    const [path, search = ''] = (req.url ?? '').split('?', 2);
    if (path !== GET_CARE_PLANS_PATH) {
      return fault(
        404,
        'Client',
        `No service at ${path}; GetCarePlans is at ${GET_CARE_PLANS_PATH}.`,
        'NOT_FOUND',
      );
    }
    if (req.method === 'GET' && search !== '') return describeContract(req, search);
    if (req.method !== 'POST') {
      return fault(405, 'Client', 'GetCarePlans is called with POST (SOAP 1.1).', 'METHOD');
    }
    const contentType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (contentType !== 'text/xml') {
      return fault(415, 'Client', 'A SOAP 1.1 request has Content-Type text/xml.', 'MEDIA_TYPE');
    }
    const xml = await readBody(req);
    if (xml === null) {
      return fault(
        413,
        'Client',
        `The request is larger than ${MAX_REQUEST_BYTES} bytes.`,
        'TOO_LARGE',
      );
    }
    if (hasDocumentTypeDeclaration(xml)) {
      return fault(
        500,
        'Client',
        'The request carries a DTD; RIV-TA messages have none.',
        'SCHEMA',
      );
    }
    const verdict = await options.schemas.validate(xml, 'getcareplans-request-envelope.xsd');
    if (!verdict.valid) {
      return fault(
        500,
        'Client',
        `The request does not follow the XML schema of GetCarePlans (GetCarePlansResponder 2.0): ${verdict.errors[0] ?? 'not well-formed'}`,
        'SCHEMA',
      );
    }
    const request = readRequest(xml);
    if (!options.logicalAddresses.includes(request.logicalAddress)) {
      return fault(
        500,
        'Client',
        `Invalid logical address ${request.logicalAddress}: this producer answers for ${options.logicalAddresses.join(', ')}.`,
        'LOGICAL_ADDRESS',
      );
    }
    const patientId = request.patientId;
    let query: ReturnType<typeof patientQueryOf>;
    try {
      query = patientQueryOf(request);
    } catch (error) {
      if (!(error instanceof InvalidRequest)) throw error;
      return {
        status: 200,
        body: responseEnvelope([], patientId, options.sourceSystemHsaId, {
          code: 'ERROR',
          logId,
          message: error.message,
        }),
        outcome: 'INVALID_REQUEST',
      };
    }
    const ok = (plans: Parameters<typeof responseEnvelope>[0], outcome: string): Answer => ({
      status: 200,
      body: responseEnvelope(plans, patientId, options.sourceSystemHsaId, { code: 'OK', logId }),
      outcome,
    });
    if (query.kind === 'OTHER_ID') return ok([], 'NO_PLANS');
    const found = await publishedPlansOf(
      options.prisma,
      query.personalIdentityNumber,
      request,
      options.sourceSystemHsaId,
    );
    if (found.withheld.length > 0) {
      options.logger.info('GetCarePlans withheld plans', {
        logId,
        withheld: found.withheld.map((w) => w.reason),
      });
    }
    if (!found.patient || found.plans.length === 0) return ok([], 'NO_PLANS');
    // The log row first: no plan leaves unless its disclosure is committed (ARCHITECTURE 1).
    const platform: PlatformIdentity = {
      hsaId: options.platformHsaId,
      originalConsumerHsaId: originalConsumer(req),
    };
    await logDisclosure(
      options.accessLog,
      platform,
      logId,
      found.patient,
      found.plans,
      now(),
      options.accessLogLockWaitMs,
    );
    return ok(found.plans, 'DELIVERED');
  }
}

/** `?wsdl` and `?xsd=`: the contract as this endpoint publishes it (./wsdl.ts). */
async function describeContract(req: IncomingMessage, search: string): Promise<Answer> {
  // Only the pinned platform gets this far (./server.ts), so its Host names the endpoint.
  const endpoint = `https://${req.headers.host ?? 'localhost'}${GET_CARE_PLANS_PATH}`;
  const document = await published.document(new URLSearchParams(search), endpoint);
  if (document === null) {
    return fault(
      404,
      'Client',
      'Ask for ?wsdl, or for a schema the WSDL links to with ?xsd=.',
      'NOT_FOUND',
    );
  }
  return { status: 200, body: document.xml, outcome: document.kind.toUpperCase() };
}

const published = new PublishedContract();

/** RIV-TA's header for the consumer behind the platform; kept only when it is an HSA-ID. */
function originalConsumer(req: IncomingMessage): string | null {
  const value = req.headers['x-rivta-original-serviceconsumer-hsaid'];
  const text = Array.isArray(value) ? value[0] : value;
  return text && /^SE\d{10}-[A-Za-z0-9]+$/.test(text) && text.length <= 31 ? text : null;
}

/** The body as UTF-8, or null when it is larger than MAX_REQUEST_BYTES. */
async function readBody(req: IncomingMessage): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_REQUEST_BYTES) return null;
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}
