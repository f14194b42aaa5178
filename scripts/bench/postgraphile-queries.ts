/**
 * The PostGraphile counterparts of Brygga's (a) CaseListNested and (b) CaseById, over the
 * same tables, selecting the same data as far as an auto-generated schema can:
 *
 * - "my unit's cases" is the unit's current case_party rows with their case (Brygga
 *   derives the list from the acting unit; PostGraphile has no notion of one). Brygga
 *   orders by case reference; PostGraphile can only order case_party by its own indexed
 *   columns, so this takes them in primary-key order: 50 cases of the unit either way.
 * - ward, primaryCareUnit and municipalityUnits are Brygga fields derived from the
 *   parties' roles; PostGraphile offers conditions on indexed columns only (not role), so
 *   its query fetches the parties with role and unit once, which carries the same data.
 * - latestCarePlan / current version become `first: 1` in descending order.
 * - dischargeInformation and its printableHtml are Brygga's rendering of the DISCHARGED
 *   event's payload; PostGraphile returns that payload with the events.
 * - PostGraphile checks no field authorization and writes no access log: Brygga does both
 *   on every one of these requests (the log row is committed before the response).
 */

export const PG_CASE_LIST = /* GraphQL */ `
  query PgCaseListNested($unitId: UUID!, $first: Int) {
    allCaseParties(condition: { unitId: $unitId, leftAt: null }, first: $first) {
      nodes {
        caseByCaseId {
          rowId
          reference
          status
          patientByPatientId { rowId givenName familyName personalIdentityNumber }
          casePartiesByCaseId(condition: { leftAt: null }) {
            nodes { role unitByUnitId { rowId name hsaId kind } }
          }
          carePlansByCaseId(orderBy: CREATED_AT_DESC, first: 1) {
            nodes {
              rowId
              kind
              carePlanVersionsByCarePlanId(orderBy: VERSION_DESC, first: 1) {
                nodes {
                  version
                  status
                  summary
                  carePlanItemsByVersionId { nodes { action unitByResponsibleUnitId { name } } }
                }
              }
            }
          }
          caseEventsByCaseId(orderBy: SEQUENCE_ASC, first: 20) {
            edges { node { rowId type occurredAt unitByAuthorUnitId { name } } }
          }
        }
      }
    }
  }
`;

export const PG_CASE_DETAIL = /* GraphQL */ `
  query PgCaseById($id: UUID!) {
    caseByRowId(rowId: $id) {
      rowId
      reference
      status
      version
      psychiatric
      compulsoryCare
      consent
      admittedAt
      admissionNoticeAt
      readyForDischargeAt
      readyWithdrawnAt
      sipCalledAt
      plannedDischargeAt
      dischargedAt
      closedAt
      closeReason
      fixedCareContactName
      patientByPatientId { rowId personalIdentityNumber givenName familyName protectedIdentity }
      casePartiesByCaseId {
        nodes { role joinedAt leftAt unitByUnitId { rowId hsaId name kind } }
      }
      caseEventsByCaseId(orderBy: SEQUENCE_ASC, first: 100) {
        edges {
          node {
            rowId
            sequence
            type
            occurredAt
            authorHsaId
            authorName
            unitByAuthorUnitId { hsaId }
            payload
            caseEventRecipientsByEventId {
              nodes {
                unitByUnitId { rowId hsaId }
                caseEventAcknowledgementByEventIdAndUnitId { acknowledgedAt byHsaId }
              }
            }
          }
        }
      }
      carePlansByCaseId(orderBy: CREATED_AT_ASC) {
        nodes {
          rowId
          kind
          carePlanVersionsByCarePlanId(orderBy: VERSION_ASC) {
            nodes {
              version
              status
              summary
              carePlanItemsByVersionId {
                nodes { position action dueOn unitByResponsibleUnitId { hsaId } }
              }
              carePlanParticipantsByVersionId { nodes { name role unitByUnitId { hsaId } } }
            }
          }
        }
      }
      notesByCaseId(orderBy: CREATED_AT_ASC) {
        nodes { rowId text lockedToOrganization authorHsaId unitByAuthorUnitId { hsaId } }
      }
    }
  }
`;
