/** @module The agent's sinks: where its sender delivers records (a hub, a JSON Lines file, stdout). */
import type { Sink as PushSink } from '../../push/sender.ts';

export interface Sink extends PushSink {
  readonly type: 'hub' | 'jsonl' | 'stdout';
}
