import type { Request, Response } from 'express';
import { describe, expect, it } from 'vitest';
import { runningRequests } from '../../../src/http/running-requests.js';

/** A response as the middleware sees it: ended through end(), as Express ends every one. */
function response() {
  return { end: () => undefined } as unknown as Response;
}

describe('runningRequests', () => {
  it('says when the last running handler has ended, and only then', () => {
    let idle = 0;
    const requests = runningRequests(() => {
      idle += 1;
    });
    const first = response();
    const second = response();
    requests.middleware({} as Request, first, () => undefined);
    requests.middleware({} as Request, second, () => undefined);
    expect(requests.busy()).toBe(true);
    first.end();
    expect(idle, 'one handler still runs').toBe(0);
    // A response ended twice counts once.
    first.end();
    expect(idle).toBe(0);
    second.end();
    expect(idle).toBe(1);
    expect(requests.busy()).toBe(false);
  });
});
