/**
 * Start-up time of `npm start` (tsx loads the TypeScript) and `npm run start:prod` (the
 * compiled dist/), from spawning node to the "Brygga is listening" line, against one
 * already migrated and seeded database (DATABASE_URL), scheduler off. Each start is
 * stopped with SIGTERM before the next. Needs `npm run build` first.
 *   DATABASE_URL=postgresql://… npx tsx scripts/bench-startup.ts [runs]
 */
import { spawn } from 'node:child_process';

const runs = Number(process.argv[2] ?? 5);
const databaseUrl = process.env.DATABASE_URL;
if (!databaseUrl) throw new Error('bench-startup: set DATABASE_URL (migrated and seeded)');

const starts = {
  'npm start (tsx)': ['--max-semi-space-size=64', '--expose-gc', '--import', 'tsx', 'src/main.ts'],
  'start:prod (dist)': [
    '--max-semi-space-size=64',
    '--expose-gc',
    '--enable-source-maps',
    '--import',
    './dist/src/tracing/instrumentation.js',
    'dist/src/main.js',
  ],
};

async function once(args: string[]): Promise<number> {
  const began = process.hrtime.bigint();
  const child = spawn(process.execPath, args, {
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      PORT: '0',
      DEMO_IDP: 'true',
      SCHEDULER_ENABLED: 'false',
      LOG_LEVEL: 'info',
    },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let output = '';
  const ms = await new Promise<number>((resolve, reject) => {
    child.stderr!.on('data', (chunk) => {
      output += chunk;
      if (output.includes('Brygga is listening')) {
        resolve(Number(process.hrtime.bigint() - began) / 1e6);
      }
    });
    child.on('exit', (code) => reject(new Error(`exited ${code} before listening:\n${output}`)));
  });
  child.removeAllListeners('exit');
  await new Promise((resolve) => {
    child.on('exit', resolve);
    child.kill('SIGTERM');
  });
  return ms;
}

for (const [name, args] of Object.entries(starts)) {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await once(args));
  times.sort((a, b) => a - b);
  const median = times[Math.floor(times.length / 2)]!;
  process.stdout.write(
    `${name}: median ${Math.round(median)} ms, min ${Math.round(times[0]!)} ms, max ${Math.round(times.at(-1)!)} ms (${runs} starts)\n`,
  );
}
