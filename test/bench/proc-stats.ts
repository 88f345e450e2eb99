/**
 * Memory and CPU time of a child process from /proc (Linux): resident set now (VmRSS), its high-water mark (VmHWM),
 * and user+system CPU of all its threads. Writing `5` to /proc/<pid>/clear_refs resets the high-water mark, so each
 * measured path gets its own peak. Everything reads NaN where /proc is missing (not Linux) or the process is gone.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Memory {
  rssMb: number;
  peakMb: number;
}

/** USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every mainstream Linux. */
const TICKS_PER_SECOND = 100;

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) / 1024 : Number.NaN;
}

export function readMemory(pid: number): Memory {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    return { rssMb: field(status, 'VmRSS'), peakMb: field(status, 'VmHWM') };
  } catch {
    return { rssMb: Number.NaN, peakMb: Number.NaN };
  }
}

/** Resets VmHWM to the current RSS; false when the kernel refused (then VmHWM is the process's lifetime peak). */
export function resetPeak(pid: number): boolean {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}

/** CPU time (user + system, all threads) the process has used so far, in ms. */
export function cpuMs(pid: number): number {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start at field 3; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / TICKS_PER_SECOND;
  } catch {
    return Number.NaN;
  }
}

/** Samples VmRSS every `everyMs` until stopped; returns the largest sample in MB. */
export function sampleRss(pid: number, everyMs = 50): { stop(): number } {
  const samples: number[] = [];
  const sample = () => {
    const { rssMb } = readMemory(pid);
    if (Number.isFinite(rssMb)) samples.push(rssMb);
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    stop() {
      clearInterval(timer);
      sample();
      return samples.length > 0 ? Math.max(...samples) : Number.NaN;
    },
  };
}
