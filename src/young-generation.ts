/**
 * V8's young generation (the semi-spaces) is sized when the process starts and cannot be
 * changed from inside it. Its default (16 MiB per semi-space on 64-bit Node 20) is small
 * for a GraphQL server: a 50-case list allocates tens of MiB of short-lived objects, so
 * most of them were copied out of a full nursery, and garbage collection took about a
 * third of the API's CPU. 64 MiB lets them die young. `npm start` passes the flag to node;
 * any other start names it in NODE_OPTIONS (README, "Configuration").
 */
export const YOUNG_GENERATION_FLAG = '--max-semi-space-size';
export const YOUNG_GENERATION_MIB = 64;

/** Whether this process was started with the semi-space size set (any value). */
export function youngGenerationConfigured(
  execArgv: readonly string[] = process.execArgv,
  nodeOptions: string | undefined = process.env.NODE_OPTIONS,
): boolean {
  // V8 takes its flags with dashes or underscores.
  const named = (arg: string) =>
    arg.startsWith(YOUNG_GENERATION_FLAG) || arg.startsWith('--max_semi_space_size');
  return execArgv.some(named) || (nodeOptions ?? '').split(/\s+/).some(named);
}
