/**
 * Where the API's CPU and allocations go on one of the bench's reads, with the API in this
 * process on the seed:scale database (DATABASE_URL):
 *
 *   npm run bench:profile -- [scenario a|b|d, default a] [seconds, 10] [connections, 8] [--heap]
 *
 * (a) the 50-case nested list, (b) one case in full detail, (d) the log review of one
 * patient (scripts/bench/in-process-scenarios.ts). After a warm-up, the CPU profiler runs
 * for the measured window only, so module loading and the first requests' compilation
 * are not in it (as they are in `node --cpu-prof`). With `--heap`, a second window runs
 * under the sampling heap profiler, counting the objects garbage collection took as well,
 * so it shows what feeds the collector rather than what stays.
 *
 * Prints self time per function and per origin (package, directory of src/, Node module)
 * as markdown tables, per request, and writes the raw profiles beside them in the system's
 * temporary directory for DevTools (Performance / Memory, "Load profile"). The load
 * generator runs in this process too: its share is under `autocannon` and `scripts/bench`.
 * The profiler's own cost raises the CPU per request by a few per cent; compare runs made
 * the same way. Every request is authorized and logged as in production: use a bench
 * database.
 */
// graphql-js skips its development-only checks when NODE_ENV is production at load time;
// everything that loads graphql is imported after this line.
process.env.NODE_ENV = 'production';

const { default: pg } = await import('pg');
const { writeFile } = await import('node:fs/promises');
const { Session } = await import('node:inspector/promises');
const { tmpdir } = await import('node:os');
const { join } = await import('node:path');
const { analyzeLikeAutovacuum } = await import('./bench/autoanalyze.js');
const { isInProcessScenario, startInProcessScenarios } = await import(
  './bench/in-process-scenarios.js'
);
const { failedBesidesStatus } = await import('./bench/load-results.js');
const { shareTable, summarizeCpu, summarizeHeap } = await import('./bench/profile-summary.js');

const args = process.argv.slice(2).filter((a) => !a.startsWith('--'));
const heap = process.argv.includes('--heap');
const asked = args[0] ?? 'a';
if (!isInProcessScenario(asked)) throw new Error(`unknown scenario '${asked}': a, b or d`);
const scenario = asked;
const settings = { duration: Number(args[1] ?? 10), connections: Number(args[2] ?? 8) };
const databaseUrl = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/brygga_scale';
const root = process.cwd();
const stamp = new Date().toISOString().replaceAll(':', '-');

const owner = new pg.Client({ connectionString: databaseUrl });
await owner.connect();
const api = await startInProcessScenarios(owner, databaseUrl, new Set([scenario]));
const session = new Session();
session.connect();

/** One measured window of the scenario: its requests and this process's CPU over it. */
async function profiledRun<T>(profiled: { start(): Promise<void>; stop(): Promise<T> }) {
  await analyzeLikeAutovacuum(owner);
  const before = process.cpuUsage();
  await profiled.start();
  const result = await api.run(scenario, settings);
  const profile = await profiled.stop();
  const { user, system } = process.cpuUsage(before);
  const failed = result.non2xx + failedBesidesStatus(result);
  if (failed > 0) throw new Error(`${failed} of ${result.requests} requests failed`);
  return { profile, requests: result.requests, cpuMs: (user + system) / 1000, result };
}

async function save(kind: string, profile: unknown): Promise<string> {
  const file = join(tmpdir(), `brygga-${scenario}-${stamp}.${kind}`);
  await writeFile(file, JSON.stringify(profile));
  return file;
}

try {
  await api.run(scenario, { ...settings, duration: Math.min(5, settings.duration) });

  await session.post('Profiler.enable');
  // 250 µs: four samples per millisecond, enough to see a function of a few µs per row.
  await session.post('Profiler.setSamplingInterval', { interval: 250 });
  const cpu = await profiledRun({
    start: () => session.post('Profiler.start'),
    stop: async () => (await session.post('Profiler.stop')).profile,
  });
  const cpuSummary = summarizeCpu(cpu.profile, root);
  const per = cpu.requests;
  process.stdout.write(
    `\n## (${scenario}): CPU, ${cpu.requests} requests in ${settings.duration} s over ${settings.connections} connections\n\n` +
      `${cpu.result.requestsPerSecond} req/s, this process's CPU ${(cpu.cpuMs / per).toFixed(2)} ms per request ` +
      `(sampled busy ${(cpuSummary.busyMs / per).toFixed(2)} ms, idle ${(cpuSummary.idleMs / per).toFixed(2)} ms). ` +
      `Raw profile: ${await save('cpuprofile', cpu.profile)}\n\n` +
      `${shareTable('function (self time)', cpuSummary.functions, per, 'ms')}\n\n` +
      `${shareTable('origin (self time)', cpuSummary.origins, per, 'ms')}\n`,
  );

  if (heap) {
    const sampled = await profiledRun({
      start: () =>
        session.post('HeapProfiler.startSampling', {
          samplingInterval: 16_384,
          includeObjectsCollectedByMajorGC: true,
          includeObjectsCollectedByMinorGC: true,
        }),
      stop: async () => (await session.post('HeapProfiler.stopSampling')).profile,
    });
    const heapSummary = summarizeHeap(sampled.profile, root);
    const n = sampled.requests;
    process.stdout.write(
      `\n## (${scenario}): allocations, ${n} requests\n\n` +
        `${(heapSummary.bytes / 1e6 / n).toFixed(2)} MB allocated per request (sampled, collected objects included). ` +
        `Raw profile: ${await save('heapprofile', sampled.profile)}\n\n` +
        `${shareTable('function (allocated)', heapSummary.functions, n, 'kB')}\n\n` +
        `${shareTable('origin (allocated)', heapSummary.origins, n, 'kB')}\n`,
    );
  }
} finally {
  session.disconnect();
  await api.close();
  await owner.end();
}
