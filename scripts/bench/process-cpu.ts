import { readFileSync } from 'node:fs';

/**
 * CPU time (user + system) of a process on this machine in ms, from /proc/<pid>/stat
 * (fields 14 and 15, in clock ticks of 10 ms: USER_HZ is 100 on Linux); null when the
 * process is gone or not here (a database server on another host). On a machine shared
 * with other work, a request's wall time is mostly waiting for a core; its CPU time is not.
 */
export function processCpuMs(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10;
  } catch {
    return null;
  }
}
