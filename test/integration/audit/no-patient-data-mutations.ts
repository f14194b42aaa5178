/**
 * Mutations of the schema that write no patient data, each with the reason. The
 * fault-injection test (command-log-fault.int.test.ts) fails for any mutation that is
 * neither here nor among its examples; no-patient-data-fault.int.test.ts calls each of
 * these with the access log refused and checks that it succeeds and leaves no row.
 */
export const NO_PATIENT_DATA: Record<string, string> = {
  chooseCommission: 'identity: picks the acting commission of the caller’s own session',
  revokeSession: 'identity: ends a login session; sessions name staff, not patients',
  rotateTokenSigningKey: 'identity: creates a signing key',
  createMappingRuleSet: 'identity: directory-attribute mapping rules',
  updateMappingRuleSet: 'identity: directory-attribute mapping rules',
  createIdentityProvider: 'identity: federation configuration',
  updateIdentityProvider: 'identity: federation configuration',
  disableIdentityProvider: 'identity: federation configuration',
  importIdentityProviderMetadata: 'identity: federation metadata',
  createPaymentAgreement: 'invoicing: an agreement between organisations and its prices',
  setPopulationFigures: 'invoicing: residents per municipality, no person named',
  draftInvoiceBasis:
    'invoicing: computes days from case events but answers no patient; the patients on its lines are logged when the lines are read or rendered (invoiceCsv/invoiceHtml: PRINT)',
  approveInvoice: 'invoicing: changes the status of an invoice',
  markInvoiceSent: 'invoicing: changes the status of an invoice',
  creditInvoiceLine:
    'invoicing: adds a credit line copying a line; patients on lines are logged when read or rendered',
  draftCorrectionInvoice:
    'invoicing: drafts credit and charge lines from case events, like draftInvoiceBasis; the patients on its lines are logged when the lines are read or rendered',
  draftCostSharingInvoices: 'invoicing: the system’s cost shared by population, no person named',
  createCostSharingContract:
    'invoicing: a cap on a municipality’s share of the system’s cost over a contract period',
  decideRetentionPolicy: 'retention: a policy of a record class and organisation',
  placeLegalHold:
    'retention: a hold names a case, patient or organisation by id; its answer’s patient fields are not patient data of the record (ids only)',
  releaseLegalHold: 'retention: ends a hold',
  recordRetentionDecision:
    'retention: an owner’s decision (reference, date, decided by) for a class of records',
  setRetentionMode: 'retention: automatic purge or approval for an organisation',
  decideRetentionProposal:
    'retention: an owner’s verdict on a dry run, which holds counts only, never a record',
  drawAccessLogSample:
    'audit: stores a sample’s seed and counts; its rows are read (and logged as AUDIT reads) through accessLogSample',
  recordAccessReview: 'audit: stores the reviewer’s conclusion about log rows, by row id',
  addNotificationSubscription:
    'notifications: a unit’s e-mail address or phone number for “something new waits”, no patient named',
  endNotificationSubscription: 'notifications: ends one of the unit’s subscriptions',
};
