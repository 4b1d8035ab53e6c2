/** @module Loading an agent configuration for a command: its problems become one clean CLI error. */
import { CliError } from './errors.ts';

/** The loaded config and plugins of `file`; exit code 2 listing every problem when it is invalid. */
export async function loadAgentConfigForCli(file: string) {
  // Imported when a command needs it, so commands that never read an agent config do not load the collectors.
  const { loadAgentConfig, ConfigError } = await import('../agent/config/load.ts');
  try {
    return await loadAgentConfig(file);
  } catch (err) {
    if (err instanceof ConfigError)
      throw new CliError(`invalid configuration:\n${err.problems.map((p) => `  ${p}`).join('\n')}`, 2);
    throw err;
  }
}
