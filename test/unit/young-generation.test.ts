import { describe, expect, it } from 'vitest';
import { youngGenerationConfigured } from '../../src/young-generation.js';

describe('youngGenerationConfigured', () => {
  it('sees the flag on the command line, with dashes or underscores', () => {
    expect(youngGenerationConfigured(['--max-semi-space-size=64', '--import', 'tsx'], '')).toBe(
      true,
    );
    expect(youngGenerationConfigured(['--max_semi_space_size=32'], undefined)).toBe(true);
  });

  it('sees the flag in NODE_OPTIONS', () => {
    expect(youngGenerationConfigured([], '--enable-source-maps --max-semi-space-size=64')).toBe(
      true,
    );
  });

  it('reports a start without it', () => {
    expect(youngGenerationConfigured(['--import', 'tsx'], '--max-old-space-size=4096')).toBe(false);
    expect(youngGenerationConfigured([], undefined)).toBe(false);
  });
});
