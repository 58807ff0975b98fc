/**
 * RSS and CPU time of another process, read from /proc (Linux). Elsewhere both are undefined
 * and the report leaves the columns empty rather than guessing.
 */
import { readFileSync } from 'node:fs';

/** Resident set size in MB (10^6 bytes, the unit of the RSS target). */
export function rssMB(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kB = /^VmRSS:\s+(\d+)\s+kB$/m.exec(status)?.[1];
    return kB === undefined ? undefined : (Number(kB) * 1024) / 1e6;
  } catch {
    return undefined;
  }
}

/** Clock ticks per second of /proc/<pid>/stat's utime and stime (USER_HZ: 100 on every Linux ABI). */
const USER_HZ = 100;

/** User + system CPU seconds the process has used so far. */
export function cpuSeconds(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces; fields after its closing parenthesis are plain.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the line, i.e. 11 and 12 after the name.
    return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
  } catch {
    return undefined;
  }
}
