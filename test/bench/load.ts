/**
 * A closed-loop load driver: keeps `concurrency` signed POSTs in flight over keep-alive sockets and times each one
 * from sending to the end of the HTTP response (Bolt's ack).
 */
import { Agent, request } from 'node:http';

export interface PreparedRequest {
  body: string;
  headers: Record<string, string>;
}

export interface LoadResult {
  /** Per request, in the order of `requests`. */
  latenciesMs: number[];
  startedAt: number;
  lastAckAt: number;
  /** Count of responses by HTTP status. */
  statuses: Map<number, number>;
  /** Body of the first response (the help ack, when that is what was sent). */
  firstBody?: string;
  errors: string[];
}

interface Response {
  status: number;
  body: string;
}

function post(agent: Agent, port: number, path: string, req: PreparedRequest): Promise<Response> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, 'content-length': String(Buffer.byteLength(req.body)) };
    const outgoing = request({ host: '127.0.0.1', port, path, method: 'POST', headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    outgoing.on('error', reject);
    outgoing.end(req.body);
  });
}

export async function runLoad(
  port: number,
  requests: PreparedRequest[],
  { concurrency, path = '/slack/events' }: { concurrency: number; path?: string },
): Promise<LoadResult> {
  // A fresh agent per run: sockets idle between phases may have been closed by the server's keep-alive timeout.
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const result: LoadResult = {
    latenciesMs: new Array<number>(requests.length).fill(Number.NaN),
    startedAt: performance.now(),
    lastAckAt: 0,
    statuses: new Map(),
    errors: [],
  };
  let next = 0;
  const worker = async () => {
    while (next < requests.length) {
      const index = next++;
      const req = requests[index];
      if (!req) break;
      const started = performance.now();
      try {
        const res = await post(agent, port, path, req);
        const ended = performance.now();
        result.latenciesMs[index] = ended - started;
        if (ended > result.lastAckAt) result.lastAckAt = ended;
        result.statuses.set(res.status, (result.statuses.get(res.status) ?? 0) + 1);
        if (index === 0) result.firstBody = res.body;
        if (res.status !== 200 && result.errors.length < 5) result.errors.push(`HTTP ${res.status}: ${res.body}`);
      } catch (error) {
        if (result.errors.length < 5) result.errors.push(error instanceof Error ? error.message : String(error));
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
  } finally {
    agent.destroy();
  }
  return result;
}

/** Nearest-rank percentile of unsorted samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? Number.NaN;
}
