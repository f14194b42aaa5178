import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('schema/schema.graphql', () => {
  it('is what the code prints (run `npm run schema:print` after changing types)', () => {
    const check = spawnSync(
      process.execPath,
      ['--import', 'tsx', 'scripts/print-schema.ts', '--check'],
      { encoding: 'utf8' },
    );
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
  });
});
