/**
 * Compares this checkout's CPU per request with another commit's on one of the bench's
 * reads, both running at the same time on the seed:scale database (DATABASE_URL):
 *
 *   npm run bench:ab -- <base commit> [scenario a|b|d, default a] [pairs, 3] [seconds, 15] [connections, 4]
 *
 * This machine's speed drifts (PostGraphile's own (a) gave 66 to 82 req/s within fifteen
 * minutes), so runs one after another compare the machine as much as the code. Here each
 * pair starts bench-scale-cpu in both trees at once, each with its API and load generator
 * in its own process: whatever the machine does meanwhile, both sides get it. The order
 * they start in alternates. A pair's numbers are higher than a run alone (two APIs share
 * the cores); its ratio is the result. PostgreSQL's CPU is not split between the two and
 * is not reported: a change on its side shows only in the throughput, and diluted, since
 * both share the database.
 *
 * The base is checked out as a git worktree in the system's temporary directory, with this
 * checkout's node_modules and generated code (Prisma client, test operations): it compares
 * source, not dependencies, and refuses a base whose Prisma schema or lock file differs.
 * Every request is authorized and logged as in production: use a bench database.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AbPair, abReport, scaleCpuLine } from './bench/ab-pairs.js';
import { runTs } from './bench/processes.js';

const [baseRef, scenario = 'a', pairsArg = '3', seconds = '15', connections = '4'] =
  process.argv.slice(2);
if (!baseRef) {
  throw new Error(
    'usage: npm run bench:ab -- <base commit> [a|b|d] [pairs] [seconds] [connections]',
  );
}
if (!['a', 'b', 'd'].includes(scenario)) throw new Error(`unknown scenario '${scenario}'`);
const root = process.cwd();
const git = (...args: string[]) =>
  execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();

const base = git('rev-parse', '--verify', `${baseRef}^{commit}`);
// The base runs on this checkout's dependencies and generated client: only source may differ.
for (const path of ['package-lock.json', 'prisma/schema.prisma']) {
  if (git('diff', '--name-only', base, '--', path) !== '') {
    throw new Error(
      `${path} differs between ${base.slice(0, 12)} and this checkout: compare by hand`,
    );
  }
}

/** The base's tree beside this one, made once per commit and kept for the next comparison. */
function worktree(): string {
  const dir = join(tmpdir(), `brygga-ab-${base.slice(0, 12)}`);
  if (!existsSync(dir)) {
    git('worktree', 'add', '--detach', dir, base);
    symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'), 'dir');
  }
  for (const generated of ['src/db/generated', 'test/generated']) {
    rmSync(join(dir, generated), { recursive: true, force: true });
    cpSync(join(root, generated), join(dir, generated), { recursive: true });
  }
  return dir;
}

/** bench-scale-cpu in `cwd` for the scenario; its output when it ends. */
const run = (cwd: string) =>
  runTs('scripts/bench-scale-cpu.ts', [seconds, connections, '1', scenario], cwd);

const baseDir = worktree();
const pairs: AbPair[] = [];
for (let i = 0; i < Number(pairsArg); i++) {
  const first = i % 2 === 0 ? 'base' : 'head';
  const [a, b] = first === 'base' ? [baseDir, root] : [root, baseDir];
  const started = run(a);
  const [outA, outB] = await Promise.all([started, run(b)]);
  const [baseOut, headOut] = first === 'base' ? [outA, outB] : [outB, outA];
  pairs.push({
    first,
    base: scaleCpuLine(baseOut, scenario),
    head: scaleCpuLine(headOut, scenario),
  });
  process.stdout.write(`pair ${i + 1} of ${pairsArg} done\n`);
}
process.stdout.write(
  `\n## (${scenario}): ${git('rev-parse', '--short', 'HEAD')} (head, with uncommitted changes if any) against ${base.slice(0, 12)} (base), ${seconds} s, ${connections} connections each\n\n${abReport(pairs)}\n\nThe base's tree: ${baseDir} (git worktree remove --force ${baseDir})\n`,
);
