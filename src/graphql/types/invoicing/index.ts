// Invoicing (issue 5): invoice basis, cost sharing, agreements admin, statistics.
import './errors.js';
import './invoices.js';
import './statistics.js';
import './administration.js';
import './stale.js';
