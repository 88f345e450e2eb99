/**
 * A fake Slack Socket Mode endpoint. @slack/socket-mode calls `apps.connections.open` (point the fake Slack's
 * `socketModeUrl` here), opens a WebSocket to the returned URL, and only reports "connected" after a `hello` message.
 * Envelopes are then pushed to the client, which answers each with `{envelope_id, payload}` when Bolt acks.
 */
import type { AddressInfo } from 'node:net';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

export type EnvelopeType = 'slash_commands' | 'interactive' | 'events_api';

export interface Envelope {
  type: EnvelopeType;
  payload: Record<string, unknown>;
  retryAttempt?: number;
  retryReason?: string;
  /** Defaults: true for slash_commands and interactive, false for events_api (as Slack sends). */
  acceptsResponsePayload?: boolean;
  envelopeId?: string;
}

export interface SocketAck {
  envelope_id: string;
  payload?: Record<string, unknown>;
}

export interface FakeSocketMode {
  /** ws URL for the fake Slack's `socketModeUrl`. */
  url: string;
  /** Number of currently open client connections. */
  readonly connections: number;
  /** Resolves once a client has connected and been sent `hello`. */
  waitForConnection(timeoutMs?: number): Promise<void>;
  /** Pushes an envelope to the newest client and resolves with its ack. */
  sendEnvelope(envelope: Envelope, timeoutMs?: number): Promise<SocketAck>;
  /** Sends Slack's `disconnect` message (the client should reconnect via apps.connections.open). */
  requestDisconnect(reason?: string): void;
  /** Waits up to `graceMs` for clients to finish closing (stop the Bolt app first), then terminates the rest. */
  close(graceMs?: number): Promise<void>;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function parseAck(data: RawData): SocketAck | undefined {
  try {
    const msg: unknown = JSON.parse(data.toString());
    if (!isRecord(msg) || typeof msg.envelope_id !== 'string') return undefined;
    return { envelope_id: msg.envelope_id, ...(isRecord(msg.payload) ? { payload: msg.payload } : {}) };
  } catch {
    return undefined;
  }
}

export async function startFakeSocketMode(opts: { appId?: string } = {}): Promise<FakeSocketMode> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  const clients: WebSocket[] = [];
  const pendingAcks = new Map<string, (ack: SocketAck) => void>();
  const connectWaiters = new Set<() => void>();
  let seq = 0;

  wss.on('connection', (ws) => {
    clients.push(ws);
    ws.on('message', (data) => {
      const ack = parseAck(data);
      if (ack) pendingAcks.get(ack.envelope_id)?.(ack);
    });
    ws.on('close', () => {
      const i = clients.indexOf(ws);
      if (i >= 0) clients.splice(i, 1);
    });
    ws.send(
      JSON.stringify({
        type: 'hello',
        num_connections: clients.length,
        debug_info: { host: 'applink-fake', build_number: 1, approximate_connection_time: 18060 },
        connection_info: { app_id: opts.appId ?? 'A1' },
      }),
    );
    for (const wake of connectWaiters) wake();
  });

  const waitForConnection = (timeoutMs = 5000) =>
    new Promise<void>((resolve, reject) => {
      if (clients.length > 0) return resolve();
      const timer = setTimeout(() => {
        connectWaiters.delete(wake);
        reject(new Error(`fake Socket Mode: no client connected within ${timeoutMs} ms`));
      }, timeoutMs);
      const wake = () => {
        clearTimeout(timer);
        connectWaiters.delete(wake);
        resolve();
      };
      connectWaiters.add(wake);
    });

  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}/link/?ticket=fake-ticket&app_id=${opts.appId ?? 'A1'}`,
    get connections() {
      return clients.length;
    },
    waitForConnection,
    async sendEnvelope(envelope, timeoutMs = 5000) {
      await waitForConnection(timeoutMs);
      const id = envelope.envelopeId ?? `env-${Date.now()}-${++seq}`;
      const message = {
        envelope_id: id,
        type: envelope.type,
        payload: envelope.payload,
        accepts_response_payload: envelope.acceptsResponsePayload ?? envelope.type !== 'events_api',
        ...(envelope.retryAttempt !== undefined ? { retry_attempt: envelope.retryAttempt } : {}),
        ...(envelope.retryReason !== undefined ? { retry_reason: envelope.retryReason } : {}),
      };
      return new Promise<SocketAck>((resolve, reject) => {
        const timer = setTimeout(() => {
          pendingAcks.delete(id);
          reject(new Error(`fake Socket Mode: no ack for ${envelope.type} envelope ${id} within ${timeoutMs} ms`));
        }, timeoutMs);
        pendingAcks.set(id, (ack) => {
          clearTimeout(timer);
          pendingAcks.delete(id);
          resolve(ack);
        });
        clients[clients.length - 1]!.send(JSON.stringify(message));
      });
    },
    requestDisconnect(reason = 'refresh_requested') {
      const msg = JSON.stringify({ type: 'disconnect', reason, debug_info: { host: 'applink-fake' } });
      for (const ws of clients) ws.send(msg);
    },
    async close(graceMs = 1000) {
      // Bolt's app.stop() starts the client's close handshake without awaiting it; give it time to finish so the
      // client does not see an abrupt error (and try to reconnect) after the test is done.
      const open = [...clients].map((ws) => new Promise((resolve) => ws.once('close', resolve)));
      await Promise.race([Promise.all(open), new Promise((resolve) => setTimeout(resolve, graceMs).unref())]);
      for (const ws of [...clients]) ws.terminate();
      await new Promise<void>((resolve, reject) => wss.close((err) => (err ? reject(err) : resolve())));
    },
  };
}
