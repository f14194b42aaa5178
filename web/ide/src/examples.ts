import { operationDocument } from './operations.js';

/** A tab the IDE opens for a signed-in person, chosen by their roles. */
export interface ExampleTab {
  query: string;
  variables?: string;
}

interface Example {
  /** An operation in test/operations, or a document of its own. */
  operation: string;
  document?: string;
  variables?: Record<string, unknown>;
}

// Identity administration has no document in test/operations; this one reads only what
// the identity-admin integration tests already cover.
const IDENTITY_PROVIDERS = `# The federation's identity providers and how each signs people in.
query IdentityProviders {
  identityProviders {
    slug
    displayName
    enabled
    requiredLevelOfAssurance
    serviceProvider {
      entityId
      acsUrl
    }
  }
}`;

// The planning basis (planeringsunderlag) is medical information: without the patient's
// consent a social worker sees that it was sent, not what it says. Each object says so
// itself too (`redactions`), as a front-end with a normalised cache reads it.
const EVENT_PAYLOADS = `# Cases being planned and their
# events. Medical content without
# the patient's consent is withheld:
# see Redactions, on the right, and
# each event's own redactions.
query CaseEventPayloads($statuses: [CaseStatus!]) {
  cases(first: 10, filter: { statuses: $statuses }) {
    edges {
      node {
        reference
        status
        consent
        events(first: 10) {
          edges {
            node {
              type
              occurredAt
              payload
              redactions {
                field
                category
                reason
              }
            }
          }
        }
      }
    }
  }
}`;

const thisMonth = () => new Date().toISOString().slice(0, 7);
const yearAgo = () => {
  const date = new Date();
  date.setUTCFullYear(date.getUTCFullYear() - 1);
  return date.toISOString().slice(0, 7);
};

const CARE: Example[] = [
  { operation: 'Cases', variables: { first: 10 } },
  { operation: 'CaseListNested', variables: { first: 5 } },
  { operation: 'SearchUnits', variables: { search: { text: 'Solna' }, first: 10 } },
];

/** Examples per role; a person with several roles gets each role's, once. */
const BY_ROLE: Record<string, Example[]> = {
  WARD_STAFF: CARE,
  PRIMARY_CARE_STAFF: CARE,
  MUNICIPAL_HEALTH_CARE_STAFF: CARE,
  SOCIAL_SERVICES_STAFF: [
    {
      operation: 'CaseEventPayloads',
      document: EVENT_PAYLOADS,
      variables: { statuses: ['PLANNING'] },
    },
    { operation: 'CaseListNested', variables: { first: 5 } },
    { operation: 'Cases', variables: { first: 10 } },
    { operation: 'SearchUnits', variables: { search: { text: 'Solna' }, first: 10 } },
    // Runs over the WebSocket (./fetcher.ts): each new event of your cases as it commits.
    { operation: 'CaseActivity' },
  ],
  FINANCE: [
    { operation: 'Invoices', variables: {} },
    { operation: 'PaymentAgreements' },
    { operation: 'PaymentStatistics', variables: { input: { from: yearAgo(), to: thisMonth() } } },
  ],
  SECURITY_OFFICER: [
    { operation: 'AccessLog', variables: { first: 20 } },
    {
      operation: 'UnusualAccessActivity',
      variables: { day: new Date().toISOString().slice(0, 10) },
    },
    { operation: 'PurgeRecords', variables: { limit: 5 } },
  ],
  IDENTITY_ADMIN: [{ operation: 'IdentityProviders', document: IDENTITY_PROVIDERS }],
  INFORMATION_OWNER: [
    { operation: 'EffectiveRetention' },
    { operation: 'RetentionPolicies', variables: { includeSuperseded: false } },
    { operation: 'LegalHolds', variables: { active: true } },
  ],
};

const SIGNED_OUT = `# Sign in (top right) to run
# operations as a person of the
# demo region. Until then, explore
# the schema (Docs, on the left).
query SearchUnits {
  units(search: { text: "Solna" }, first: 5) {
    edges {
      node {
        hsaId
        name
        kind
      }
    }
  }
}`;

// A person the rules give no roles still gets a tab: running it shows the refusal.
const NO_ROLES = `# You are signed in, but your
# identity provider's rules gave
# you no roles, so operations on
# patient data are refused. Run
# this to see the answer.
query Cases {
  cases(first: 5) {
    edges {
      node {
        id
        reference
      }
    }
  }
}`;

export function examplesFor(roles: readonly string[] | null): ExampleTab[] {
  if (roles === null) return [{ query: SIGNED_OUT }];
  const seen = new Set<string>();
  const tabs: ExampleTab[] = [];
  for (const role of roles) {
    for (const example of BY_ROLE[role] ?? []) {
      if (seen.has(example.operation)) continue;
      seen.add(example.operation);
      tabs.push({
        query: example.document ?? operationDocument(example.operation),
        ...(example.variables ? { variables: JSON.stringify(example.variables, null, 2) } : {}),
      });
    }
  }
  return tabs.length > 0 ? tabs : [{ query: NO_ROLES }];
}
