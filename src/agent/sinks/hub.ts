/** @module The agent's hub sink: the push client under the sink name and batch size the agent config gives. */
import { PushClient } from '../../push/client.ts';
import type { Sink } from './types.ts';

export class HubSink extends PushClient implements Sink {
  readonly type = 'hub' as const;
}
