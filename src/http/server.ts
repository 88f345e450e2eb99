import type { Server } from 'node:http';
import express, { type Application } from 'express';

/** One express app and one port for everything: Slack events, Teams messages, health. */
export function createHttpApp(): Application {
  const app = express();
  app.disable('x-powered-by');
  app.get('/healthz', (_req, res) => {
    res.json({ ok: true });
  });
  return app;
}

export function listen(app: Application, port: number, host = '0.0.0.0'): Promise<Server> {
  return new Promise((resolve, reject) => {
    // Express 5 passes a listen error to the callback.
    const server = app.listen(port, host, (error?: Error) => (error ? reject(error) : resolve(server)));
  });
}
