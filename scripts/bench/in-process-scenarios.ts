import type pg from 'pg';
import { chooseFixtures, type Fixtures, tokenFor } from './fixtures.js';
import { startInProcessApi } from './in-process-api.js';
import type { LoadResult } from './load.js';
import * as scenarios from './scenarios.js';

/**
 * The bench's reads with the API in this process, for the scripts that measure this
 * process while they run (bench-scale-cpu, bench-profile): (a) the 50-case nested list and
 * (b) one case in full detail as a social-services user of the list's unit, (d) the log
 * review of one patient as a security officer. Import it after setting NODE_ENV.
 */
export const IN_PROCESS_SCENARIOS = ['a', 'b', 'd'] as const;
export type InProcessScenario = (typeof IN_PROCESS_SCENARIOS)[number];

export const isInProcessScenario = (name: string): name is InProcessScenario =>
  (IN_PROCESS_SCENARIOS as readonly string[]).includes(name);

export interface InProcessScenarios {
  fixtures: Fixtures;
  run(scenario: InProcessScenario, settings: scenarios.RunSettings): Promise<LoadResult>;
  close(): Promise<void>;
}

/** The API started on `databaseUrl` (a seed:scale database), ready to run `wanted`. */
export async function startInProcessScenarios(
  owner: pg.Client,
  databaseUrl: string,
  wanted: ReadonlySet<string>,
): Promise<InProcessScenarios> {
  const fixtures = await chooseFixtures(owner);
  const { server, token: mint } = await startInProcessApi(databaseUrl, fixtures.listUnit.hsaId, {
    DATABASE_POOL_SIZE: '10',
  });
  const token = await mint();
  const officer = wanted.has('d')
    ? await tokenFor({ db: server.db, identity: server.identity }, fixtures.regionUnitHsaId, [
        'SECURITY_OFFICER',
      ])
    : '';
  return {
    fixtures,
    run(scenario, settings) {
      switch (scenario) {
        case 'a':
          return scenarios.caseList(server.url, token, settings);
        case 'b':
          return scenarios.caseDetail(server.url, token, fixtures, settings);
        case 'd':
          return scenarios.accessLog(server.url, officer, fixtures, settings);
      }
    },
    close: () => server.close(),
  };
}
