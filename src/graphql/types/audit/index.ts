// The access-log review (src/audit): one import per file, each registering its types.
import './shared.js';
import './access-log.js';
import './sample.js';
import './review-error.js';
import './review.js';
import './extract.js';
