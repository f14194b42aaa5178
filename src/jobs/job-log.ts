import type { PrismaClient } from '../db/client.js';

/**
 * The run log (job_run): one row per attempt, so an operator sees what ran, why it failed,
 * and what a run that succeeded still wants looked at (warnings).
 */
export async function startRun(
  prisma: PrismaClient,
  job: string,
  runKey: string,
  startedBy: string,
): Promise<string> {
  const row = await prisma.jobRun.create({
    data: { job, runKey, startedBy, status: 'RUNNING', summary: {} },
    select: { id: true },
  });
  return row.id;
}

export async function finishRun(
  prisma: PrismaClient,
  id: string,
  outcome: { summary: Record<string, unknown>; warnings?: string[] } | { error: string },
): Promise<void> {
  await prisma.jobRun.update({
    where: { id },
    data:
      'error' in outcome
        ? { status: 'FAILED', finishedAt: new Date(), error: outcome.error }
        : {
            status: 'SUCCEEDED',
            finishedAt: new Date(),
            summary: outcome.summary as object,
            warnings: outcome.warnings ?? [],
          },
  });
}
