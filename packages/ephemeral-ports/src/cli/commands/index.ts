/**
 * The command table: name → lazy loader. Only the command that runs is loaded, which keeps `ephemeral-ports get`
 * close to a bare `node` start. To add a command: write `commands/<name>.ts` with `export default` a `Command`,
 * then add one line here (keep the list sorted; the order is the order of `--help`).
 */
import type { Command } from '../command.js';

export type CommandLoader = () => Promise<{ default: Command }>;

export const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  get: () => import('./get.js'),
};

/** Other names for commands. */
export const ALIASES: Readonly<Record<string, string>> = {};
