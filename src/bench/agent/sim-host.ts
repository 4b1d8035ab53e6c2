/**
 * @module Child process that serves the benchmark's simulated center, so the simulators' CPU is kept apart
 * from the agent's and from the reference tools', and they get a core of their own on a two-core machine.
 */
import { startCenter, type CenterEndpoints, type CenterSize, type RunningCenter } from './fleet.ts';

export type ToSimHost = { type: 'start'; size: CenterSize } | { type: 'stop' };
export type FromSimHost =
  { type: 'ready'; center: CenterEndpoints } | { type: 'stopped' } | { type: 'error'; message: string };

let center: RunningCenter | undefined;
const send = (m: FromSimHost) => process.send?.(m);

process.on('message', (raw) => {
  const m = raw as ToSimHost;
  void (async () => {
    try {
      if (m.type === 'start') {
        center = await startCenter(m.size);
        const { close: _close, ...endpoints } = center;
        send({ type: 'ready', center: endpoints });
      } else {
        await center?.close();
        send({ type: 'stopped' });
        process.disconnect?.();
      }
    } catch (err) {
      send({ type: 'error', message: (err as Error).stack ?? String(err) });
    }
  })();
});
