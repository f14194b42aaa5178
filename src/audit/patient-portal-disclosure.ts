import { Prisma } from '../db/generated/prisma/client.js';

/**
 * How a delivery of published care plans to the patient's portal (1177, GetCarePlans,
 * src/patient-portal) stands in the access log, so that the log review can tell it apart:
 * the national platform is both the one who asked and the acting unit, with no commission,
 * under the purpose below, in the operation GetCarePlans. A staff member's GraphQL request
 * always acts in a commission at a unit other than their own HSA-ID, so a client naming its
 * operation GetCarePlans does not pass for one.
 */
export const PATIENT_PORTAL_DISCLOSURE = {
  operationName: 'GetCarePlans',
  /** The purpose every delivery is logged under: the patient reads their own plan. */
  purpose: 'Invånarens egen åtkomst (1177)',
} as const;

/** The same test in SQL, on the access log aliased `l`. */
export const PATIENT_PORTAL_DISCLOSURE_SQL = Prisma.sql`(l.operation_name = ${PATIENT_PORTAL_DISCLOSURE.operationName}
  AND l.purpose = ${PATIENT_PORTAL_DISCLOSURE.purpose} AND l.commission_hsa_id IS NULL
  AND l.user_hsa_id = l.unit_hsa_id)`;

export function isPatientPortalDisclosure(row: {
  operationName: string | null;
  purpose: string;
  commissionHsaId: string | null;
  userHsaId: string;
  unitHsaId: string;
}): boolean {
  return (
    row.operationName === PATIENT_PORTAL_DISCLOSURE.operationName &&
    row.purpose === PATIENT_PORTAL_DISCLOSURE.purpose &&
    row.commissionHsaId === null &&
    row.userHsaId === row.unitHsaId
  );
}
