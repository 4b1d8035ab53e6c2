/** @module The agent's log: JSON lines on stderr (or the caller's logger), at the configured level, secrets redacted. */
import { redact, resolveSecret } from '../config/secrets.ts';
import type { AgentConfig } from '../config/types.ts';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
export type Logger = (level: LogLevel, message: string, fields?: Record<string, unknown>) => void;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface AgentLog {
  log: Logger;
  /** Resolves a secret reference (env:, file:) and remembers the value so no log line ever shows it. */
  secret(ref: string): string;
}

export function agentLog(config: AgentConfig, base?: Logger): AgentLog {
  const secrets = new Set<string>();
  const baseLog: Logger =
    base ??
    ((level, message, fields) => {
      process.stderr.write(
        `${JSON.stringify({ ts: new Date().toISOString(), level, center: config.center, msg: message, ...fields })}\n`,
      );
    });
  return {
    log(level, message, fields) {
      if (LEVELS[level] < LEVELS[config.logLevel]) return;
      baseLog(
        level,
        redact(message, secrets),
        fields ? (JSON.parse(redact(JSON.stringify(fields), secrets)) as Record<string, unknown>) : undefined,
      );
    },
    secret(ref) {
      const v = resolveSecret(ref, config.baseDir);
      secrets.add(v);
      return v;
    },
  };
}
