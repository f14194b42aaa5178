import { PATIENT_PORTAL_DISCLOSURE } from '../audit/patient-portal-disclosure.js';
import { appendAccesses, type Queryable } from '../audit/writer.js';
import type { Principal } from '../authz/principal.js';
import type { PublishedPlan } from './published-plans.js';

/** Who asked, as the access log names it: the national platform, on behalf of the patient's portal. */
export interface PlatformIdentity {
  /** The platform's HSA-ID (configured; its certificate is pinned). */
  hsaId: string;
  /** The consumer behind the platform, from `x-rivta-original-serviceconsumer-hsaid`, if sent. */
  originalConsumerHsaId: string | null;
}

/** The purpose every delivery is logged under: the patient reads their own plan. */
export const DISCLOSURE_PURPOSE = PATIENT_PORTAL_DISCLOSURE.purpose;

/**
 * Every delivery is a disclosure (utlämnande) of the patient's plans to the patient's
 * portal, written to the PDL access log (src/audit) before the answer leaves, like any
 * other read: activity READ of the category PLANNING, one row per case delivered, with
 * the platform as the one who asked, the purpose above, and the care giver of each plan's
 * accountable unit as the provider, so that provider's security officers review it with
 * their own organisation's accesses. The platform is not a party of the case, so the row
 * says so (not_a_party), as it does for anyone outside the case; the review flags the row
 * as a disclosure to the portal (src/audit/patient-portal-disclosure.ts).
 *
 * Rows of different care givers are appended in one call each; all go in before the
 * answer is sent, and if any fails the request answers a fault and delivers nothing.
 */
export async function logDisclosure(
  db: Queryable,
  platform: PlatformIdentity,
  requestId: string,
  patient: { id: string; personalIdentityNumber: string },
  plans: readonly PublishedPlan[],
  at: Date,
  lockWaitMs: number,
): Promise<number> {
  const byProvider = new Map<string, Set<string>>();
  for (const plan of plans) {
    const cases = byProvider.get(plan.careGiverHsaId) ?? new Set<string>();
    cases.add(plan.caseId);
    byProvider.set(plan.careGiverHsaId, cases);
  }
  const name = platform.originalConsumerHsaId
    ? `Nationella tjänsteplattformen för ${platform.originalConsumerHsaId} (GetCarePlans)`
    : 'Nationella tjänsteplattformen (GetCarePlans)';
  let written = 0;
  for (const [providerHsaId, caseIds] of byProvider) {
    const principal: Principal = {
      hsaId: platform.hsaId,
      name,
      sessionId: requestId,
      idpId: 'mutual-tls',
      levelOfAssurance: null,
      roles: [],
      commissions: [],
      actingCommission: {
        hsaId: null,
        name: null,
        unitHsaId: platform.hsaId,
        providerHsaId,
        purpose: DISCLOSURE_PURPOSE,
        rights: [],
      },
    };
    written += await appendAccesses(
      db,
      { requestId, operationName: PATIENT_PORTAL_DISCLOSURE.operationName, principal },
      [...caseIds].map((caseId) => ({
        patientId: patient.id,
        personalIdentityNumber: patient.personalIdentityNumber,
        caseId,
        categories: ['PLANNING'],
        activity: 'READ' as const,
        outcome: 'SUCCESS' as const,
        emergencyAccess: false,
      })),
      at,
      lockWaitMs,
    );
  }
  return written;
}
