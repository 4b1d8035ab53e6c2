/** @module The loopback HTTP(S) server the HTTP-based simulators share: listen, track sockets, close hard. */
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo, Socket } from 'node:net';

export interface SimServer {
  port: number;
  /** Destroys open sockets (a hung request would otherwise keep the server alive), then closes. */
  close(): Promise<void>;
}

/** Starts `handler` on 127.0.0.1 (port 0 = a free one), over TLS when a key and certificate are given. */
export async function startSimServer(
  handler: http.RequestListener,
  opts: {
    host?: string;
    port?: number;
    tls?: { key: Buffer | string; cert: Buffer | string };
    /** Idle keep-alive timeout (Node's default 5 s; 0 = none, as a Go net/http server without IdleTimeout). */
    keepAliveTimeoutMs?: number;
  },
): Promise<SimServer> {
  const sockets = new Set<Socket>();
  const server =
    opts.tls === undefined
      ? http.createServer(handler)
      : https.createServer({ key: opts.tls.key, cert: opts.tls.cert }, handler);
  if (opts.keepAliveTimeoutMs !== undefined) server.keepAliveTimeout = opts.keepAliveTimeoutMs;
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
