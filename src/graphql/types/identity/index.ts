// Identity administration (issue 3): IdPs, metadata, mapping rules, dry-run, sessions,
// identity events, and the commission choice. Registered by src/graphql/types/index.ts.
import './identity-providers.js';
import './mapping.js';
import './sessions.js';
import './events.js';
import './signing-keys.js';
