// One import per type file; each registers its types, queries and mutations on the builder.
import './enums.js';
import './organization.js';
import './unit.js';
import './patient.js';
import './case.js';
import './case-event.js';
import './care-plan.js';
import './note.js';
import './invoice.js';
import './discharge-information.js';
import './workflow-mutations.js';
import './access-control.js';
import './invoicing/index.js';
import './audit/index.js';
import './identity/index.js';
import './retention.js';
import './viewer.js';
