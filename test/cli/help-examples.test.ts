/** Every command's --help ends with runnable examples: at least one line that invokes the command itself. */
import { describe, expect, it } from 'vitest';
import { COMMANDS } from '../../packages/ephemeral-ports/src/cli/commands/index.js';

describe('each command has examples in its --help', () => {
  it.each(Object.keys(COMMANDS))('%s', async (name) => {
    const { default: command } = await COMMANDS[name]!();
    const examples = command.usage.split(/\nExamples?:\n/)[1];
    expect(examples, `${name} has an Examples: section`).toBeDefined();
    const lines = examples!.split('\n').filter((l) => l.trim() !== '');
    expect(lines.some((l) => new RegExp(`^\\s+(?:sudo )?ephemeral-ports ${name}\\b`).test(l))).toBe(true);
  });
});
