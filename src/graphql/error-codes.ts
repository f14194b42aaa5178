import type { AccessReviewErrorCode } from '../audit/review-error.js';
import type { CommandErrorCode } from '../cases/command-error.js';
import type { IdentityErrorCode } from '../identity/command-error.js';
import type { InvoicingErrorCode } from '../invoicing/errors.js';
import type { NotificationErrorCode } from '../notifications/errors.js';
import type { RetentionErrorCode } from '../retention/errors.js';

/**
 * Every `extensions.code` the GraphQL endpoint answers with, in one place: what it means,
 * where it arises and its HTTP status. docs/error-codes.md is generated from this file
 * (`npm run docs:errors`), the server masks every code not listed here as
 * INTERNAL_SERVER_ERROR (src/http/mask-error.ts), and the HTTP status of a response is
 * decided from it (src/http/response-status.ts). A new code is added here first.
 *
 * Where a code arises decides its HTTP status, as the GraphQL-over-HTTP spec asks:
 * - `http`: the request is not a GraphQL request we can take (body too large, not JSON,
 *   bad token, unacceptable Accept …): always `status`.
 * - `request`: a GraphQL request that was not executed (syntax, validation, limits,
 *   variables): `status` under `Accept: application/graphql-response+json`, 200 under
 *   `application/json` (the spec's SHOULDs for each media type).
 * - `field`: raised while executing, next to whatever data could be answered: 200.
 * - `response`: nothing of the executed request is answered (`data` null or withheld):
 *   always `status`. A fault that makes the whole request fail (the access log, the
 *   database) is of this phase.
 */
export type ErrorPhase = 'http' | 'request' | 'field' | 'response';

export interface ErrorCodeSpec {
  phase: ErrorPhase;
  status: number;
  meaning: string;
}

export const REQUEST_ERROR_CODES = {
  // --- before GraphQL: the HTTP request itself
  PAYLOAD_TOO_LARGE: {
    phase: 'http',
    status: 413,
    meaning: 'The request body is larger than 256 kB.',
  },
  MALFORMED_JSON: {
    phase: 'http',
    status: 400,
    meaning: 'The request body is not well-formed JSON.',
  },
  BAD_REQUEST: {
    phase: 'http',
    status: 400,
    meaning:
      'Not a GraphQL request we take: no `query`, a body that is not a JSON object, an unsupported content type or charset, a simple request without a CSRF-safe header; 405 for a mutation over GET, 406 when Accept allows neither application/json nor application/graphql-response+json.',
  },
  UNAUTHENTICATED: {
    phase: 'http',
    status: 401,
    meaning:
      'A token that is malformed, expired, revoked or of a session that ended (with `WWW-Authenticate: Bearer error="invalid_token"`), or no token where one is needed (`WWW-Authenticate: Bearer`; 401 when nothing of the request could be answered, else 200 next to the fields that could).',
  },
  TRUSTED_DOCUMENT_REQUIRED: {
    phase: 'http',
    status: 400,
    meaning: 'TRUSTED_DOCUMENTS=enforce and the query is not in the manifest: send a documentId.',
  },
  PERSISTED_QUERY_NOT_FOUND: {
    phase: 'http',
    status: 400,
    meaning: 'The documentId (or persisted-query hash) is not a trusted document.',
  },
  ACCESS_LOG_UNAVAILABLE: {
    phase: 'response',
    status: 503,
    meaning:
      'The access log could not be written, so the response is withheld (fail closed); a command was rolled back. `Retry-After: 3`: try again shortly (a command with the same idempotency key).',
  },
  DATABASE_UNAVAILABLE: {
    phase: 'response',
    status: 503,
    meaning:
      'The database was lost during the request: nothing was returned and a command committed nothing. Retry after the `Retry-After` seconds.',
  },
  INTERNAL_SERVER_ERROR: {
    phase: 'http',
    status: 500,
    meaning:
      'Anything unexpected, with a `reference` that is also in the server log; the message says nothing more. As a field error next to data the status is 200.',
  },
  // --- a GraphQL request that was not executed
  GRAPHQL_PARSE_FAILED: {
    phase: 'request',
    status: 400,
    meaning: 'The document is not valid GraphQL syntax, or has more than 2,000 tokens.',
  },
  GRAPHQL_VALIDATION_FAILED: {
    phase: 'request',
    status: 400,
    meaning:
      'The document does not fit the schema, or exceeds a limit: depth 10, 15 aliases, 20 directives, cost 60,000 (every field counts, `__typename` included).',
  },
  BAD_USER_INPUT: {
    phase: 'request',
    status: 400,
    meaning:
      'A variable does not fit its type; as a field error (200): input of the mapping dry-run that breaks a rule, named in `extensions.reason`.',
  },
  OPERATION_RESOLUTION_FAILURE: {
    phase: 'request',
    status: 400,
    meaning: 'The operationName names no operation of the document, or several need one.',
  },
  INVALID_ARGUMENT: {
    phase: 'request',
    status: 400,
    meaning:
      'A connection’s `first`/`last` negative or above its cap (100; the access log’s, 200), both given, or a cursor paired with the other direction; checked on every connection of the operation before anything runs.',
  },
  INVALID_CURSOR: {
    phase: 'request',
    status: 400,
    meaning:
      '`after` or `before` is not a cursor of that connection (the access log’s own cursors: as a field error, 200); over the WebSocket, `caseActivity(after:)` that is not the cursor of a committed event.',
  },
  // --- raised while executing, next to the data that could be answered
  FORBIDDEN: {
    phase: 'field',
    status: 200,
    meaning:
      'Signed in, but the roles or acting commission do not allow this root field or command.',
  },
  NOT_FOUND: { phase: 'field', status: 200, meaning: 'The thing named does not exist.' },
  INVALID_ID: {
    phase: 'field',
    status: 200,
    meaning: 'An id that is malformed or the id of another type; `extensions.field` names it.',
  },
  INVALID_PERIOD: {
    phase: 'field',
    status: 200,
    meaning: 'A month or period that is malformed, or `from` after `to`.',
  },
  INVALID_PERSONAL_IDENTITY_NUMBER: {
    phase: 'field',
    status: 200,
    meaning: 'A personnummer or samordningsnummer of the wrong form or check digit.',
  },
  INVALID_HSA_ID: { phase: 'field', status: 200, meaning: 'An HSA-ID of the wrong form.' },
  FORBIDDEN_FILTER: {
    phase: 'field',
    status: 200,
    meaning: 'A filter on a field the caller may not read (it would leak through the result).',
  },
  UNKNOWN_FIELD: {
    phase: 'field',
    status: 200,
    meaning: '`whyAccess` was asked about a field that carries no category.',
  },
} as const satisfies Record<string, ErrorCodeSpec>;

export type RequestErrorCode = keyof typeof REQUEST_ERROR_CODES;

export function isRequestErrorCode(code: unknown): code is RequestErrorCode {
  return typeof code === 'string' && Object.hasOwn(REQUEST_ERROR_CODES, code);
}

/**
 * What each code of the typed mutation results means (`CommandError.code`,
 * `InvoicingError.code`, `RetentionError.code`, `IdentityError.code`,
 * `NotificationError.code`): answered as data,
 * HTTP 200. The type makes a new code in any of the lists fail to compile until it is
 * explained here.
 */
export const RESULT_ERROR_MEANINGS = {
  INVALID_STATE: 'The case (or plan, invoice) is not in a state that allows this step.',
  NOT_A_PARTY: 'The acting unit takes no part in the case.',
  WRONG_PARTY: 'The acting unit takes part, but not in the role this step needs.',
  NOT_A_RECIPIENT: 'The message was not sent to the acting unit.',
  ALREADY_ACKNOWLEDGED: 'The acting unit has already acknowledged this message.',
  EVENT_NOT_FOUND: 'No such event in the case.',
  NOT_ANNULLABLE: 'This kind of event cannot be annulled.',
  ALREADY_ANNULLED: 'The event is already annulled.',
  CARE_PLAN_NOT_FOUND: 'No such care plan in the case.',
  INVALID_INPUT: 'A value breaks a rule of the step; `field` names it.',
  TIME_ORDER: 'A time in the future, or before an earlier step of the case.',
  FORBIDDEN: 'The caller’s roles do not allow this command.',
  NO_ACTING_UNIT: 'The acting commission’s unit is unknown to Brygga or inactive.',
  CASE_NOT_FOUND: 'No such case visible to the caller.',
  UNIT_NOT_FOUND: 'No such unit.',
  UNIT_KIND_MISMATCH: 'The unit is not of the kind this role or step needs.',
  PATIENT_NOT_FOUND: 'The person is not in the population register (or no such patient).',
  INVALID_PERSONAL_IDENTITY_NUMBER: 'A personnummer of the wrong form or check digit.',
  INVALID_HSA_ID: 'An HSA-ID of the wrong form.',
  INVALID_ID: 'An id that is malformed or the id of another type.',
  CONCURRENT_MODIFICATION:
    'What you acted on changed meanwhile (`expectedVersion` of the case, `expectedPlanVersion` of a care plan, an invoice or hold): reload and try again.',
  EVENTS_OUT_OF_ORDER: 'The case’s events are not in time order for the payment rules.',
  INVALID_TIMELINE: 'The case’s events do not form a timeline the payment rules can count.',
  NO_AGREEMENT: 'No payment agreement is in force for that municipality and day.',
  MISSING_PRICE: 'The agreement has no price per day for that year.',
  OVERLAPPING_AGREEMENTS: 'Two agreements would be in force on the same day.',
  INVALID_AGREEMENT: 'The agreement’s rules are not consistent.',
  INVALID_MONTH: 'A month that is not YYYY-MM.',
  MONTH_NOT_STARTED: 'The month has not started yet.',
  MONTH_NOT_ENDED: 'The month has not ended yet.',
  NOT_A_CREDITOR: 'The organisation does not invoice this (it is not the creditor).',
  ORGANIZATION_NOT_FOUND: 'No such organisation.',
  AGREEMENT_NOT_FOUND: 'No such agreement.',
  INVOICE_NOT_FOUND: 'No such invoice.',
  LINE_NOT_FOUND: 'No such invoice line.',
  INVALID_TRANSITION: 'The invoice cannot move to that status from its current one.',
  INVOICE_NOT_DRAFT: 'Only a draft invoice can be changed.',
  NOT_A_CHARGE: 'Only a charge line can be credited.',
  ALREADY_CREDITED: 'The line is already credited.',
  MISSING_POPULATION: 'A municipality has no population figure for the cost sharing.',
  DOUBLE_COUNTED_POPULATION: 'A population is counted twice (a municipality and its district).',
  NO_USERS: 'No users to share the support cost among.',
  RETENTION_BELOW_LEGAL_MINIMUM: 'The retention time is shorter than the law allows.',
  RETENTION_NOT_PER_ORGANIZATION: 'This record class is not decided per organisation.',
  INVALID_BIRTH_DAYS: 'Research birthdays must be days of the month (1–31).',
  INVALID_RETENTION_PERIOD: 'A retention period that is not a positive whole number.',
  DECISION_REQUIRED: 'A retention decision needs its decision reference.',
  NOT_YOUR_ORGANIZATION: 'The record belongs to another organisation.',
  ONE_TARGET_REQUIRED: 'A legal hold names exactly one of case, patient or organisation.',
  REASON_REQUIRED: 'A reason is required.',
  HOLD_NOT_FOUND: 'No such legal hold.',
  HOLD_ALREADY_RELEASED: 'The legal hold is already released.',
  REFERENCE_REQUIRED:
    'A retention decision (gallringsbeslut) needs its reference and the body that decided it.',
  INVALID_DATE: 'Not a date (YYYY-MM-DD), or a date in the future.',
  DECISION_NOT_FOUND: 'No retention decision of your organisation for that class has that id.',
  PROPOSAL_NOT_FOUND: 'No finished dry run (proposal) has that id.',
  PROPOSAL_ALREADY_DECIDED: 'Your organisation has already approved or rejected this proposal.',
  PROPOSAL_SUPERSEDED: 'A newer dry run exists: decide on the newest proposal.',
  APPROVAL_NOT_REQUIRED: 'Your organisation purges automatically; choose approval first.',
  ARCHIVE_NOT_SUPPORTED: 'Only cases can be marked for archiving before purge.',
  IDEMPOTENCY_CONFLICT:
    'The idempotency key (or client-chosen id) was already used for a command with other input.',
  INVOICE_NOT_SENT: 'Only a sent month can be corrected; this one is not sent yet.',
  NOTHING_TO_CORRECT: 'The sent invoices already match what the event list supports.',
  INVALID_IDP:
    'An identity provider setting breaks a rule (a clock skew, a certificate …); `field` names it.',
  INVALID_METADATA:
    'The SAML metadata is malformed, unsigned where it must be signed, or not https.',
  INVALID_MAPPING_RULES:
    'A mapping rule does not validate (a regex, a role, a profile); `field` names it.',
  ALREADY_EXISTS: 'An identity provider or rule set with that name or entity ID exists already.',
  IDENTITY_PROVIDER_NOT_FOUND: 'No identity provider has that slug.',
  RULE_SET_NOT_FOUND: 'No mapping rule set has that id.',
  SESSION_NOT_FOUND: 'No login session has that id.',
  SESSION_NOT_ACTIVE: 'The caller’s login session has ended or was revoked: sign in again.',
  NO_SUCH_COMMISSION:
    'The caller has no commission for that unit (and HSA-ID) with a purpose Brygga serves.',
  NO_ACCESS:
    'The login no longer gives access: its IdP is disabled or the mapping rules now refuse it.',
  SAMPLE_NOT_FOUND: 'No access-log sample of your organisation has that id.',
  ACCESS_LOG_ROW_NOT_FOUND: 'An access-log row named is not one of your organisation’s.',
  INVALID_PHONE_NUMBER:
    'An SMS notification needs a phone number in E.164 form: +, the country code, digits only (+46701234567).',
  INVALID_EMAIL_ADDRESS: 'An e-mail notification needs an e-mail address.',
  ALREADY_SUBSCRIBED:
    'Your unit already has an active notification subscription to that address on that channel.',
  SUBSCRIPTION_NOT_FOUND: 'Your unit has no notification subscription with that id.',
  SUBSCRIPTION_ALREADY_ENDED: 'The notification subscription has already ended.',
} as const satisfies Record<
  | CommandErrorCode
  | InvoicingErrorCode
  | RetentionErrorCode
  | IdentityErrorCode
  | AccessReviewErrorCode
  | NotificationErrorCode,
  string
>;
