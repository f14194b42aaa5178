/**
 * A process that leaves a rejection unhandled the way graphile-worker 0.16's runner does
 * when its cron loses its connection (a pg error whose stack runs through graphile-worker),
 * with the scheduler's tolerance installed; with `other`, a second, unrelated one after it.
 * It prints what it lives to see: test/unit/jobs/worker-rejections.test.ts reads that.
 */
import { tolerateWorkerConnectionRejections } from '../../src/jobs/worker-rejections.js';

const warned: string[] = [];
const quiet = () => undefined;
tolerateWorkerConnectionRejections({
  debug: quiet,
  info: quiet,
  warn: (message) => warned.push(message),
  error: quiet,
});
const cut = Object.assign(new Error('terminating connection due to administrator command'), {
  code: '57P01',
});
cut.stack = `error: terminating connection due to administrator command
    at /srv/brygga/node_modules/pg-pool/index.js:45:11
    at async registerAndBackfillItems (/srv/brygga/node_modules/graphile-worker/dist/cron.js:184:20)
    at async cronMain (/srv/brygga/node_modules/graphile-worker/dist/cron.js:340:5)`;
void Promise.reject(cut);
setTimeout(() => {
  process.stdout.write(`alive after the cut; warned: ${warned.join('|')}\n`);
  if (process.argv[2] === 'other') void Promise.reject(new Error('an unrelated failure'));
}, 50);
setTimeout(() => process.stdout.write('alive at the end\n'), 300);
