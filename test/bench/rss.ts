/**
 * Memory of a child process from /proc (Linux): resident set now (VmRSS) and its high-water mark (VmHWM).
 * Writing `5` to /proc/<pid>/clear_refs resets the high-water mark, so each measured phase gets its own peak.
 */
import { readFileSync, writeFileSync } from 'node:fs';

export interface Memory {
  rssMb: number;
  peakMb: number;
}

const KB_PER_MB = 1024;

function field(status: string, name: string): number {
  const match = new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status);
  return match?.[1] ? Number(match[1]) / KB_PER_MB : Number.NaN;
}

/** NaN when /proc is not there (not Linux) or the process is gone. */
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

/** Samples VmRSS every `everyMs` until stopped; returns the largest sample in MB (NaN without /proc). */
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
