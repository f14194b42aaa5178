import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

/**
 * The README's `npm test` starts with scripts/test-prerequisites.sh: silent and quick when
 * pysaml2, xmlsec1 and chromium are there; otherwise it installs them as root, and says in
 * one line what is missing when it cannot.
 */
function run(env: Record<string, string>, user?: string) {
  const command = 'sh scripts/test-prerequisites.sh';
  const result = user
    ? spawnSync('su', [user, '-s', '/bin/sh', '-c', `cd '${process.cwd()}' && ${command}`], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      })
    : spawnSync('sh', ['scripts/test-prerequisites.sh'], {
        env: { ...process.env, ...env },
        encoding: 'utf8',
      });
  return { code: result.status, output: `${result.stdout}${result.stderr}` };
}

const root = process.getuid?.() === 0;

describe('the test prerequisites', () => {
  it('say nothing and pass when everything is installed', () => {
    expect(run({})).toEqual({ code: 0, output: '' });
  });

  it.runIf(root)('name what is missing, in one line, when they may not install it', () => {
    // As an unprivileged user, with an interpreter that has no pysaml2.
    const result = run({ PYSAML2_PYTHON: '/bin/false' }, 'nobody');
    expect(result.code).toBe(1);
    expect(result.output.trim().split('\n')).toEqual([
      'test prerequisites: missing python3-pysaml2; install them with: sudo apt-get update && sudo apt-get install -y --no-install-recommends python3-pysaml2',
    ]);
  });
});
