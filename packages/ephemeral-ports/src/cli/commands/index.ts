/**
 * The command table: name → lazy loader. Only the command that runs is loaded, which keeps `ephemeral-ports get`
 * close to a bare `node` start. To add a command: write `commands/<name>.ts` with `export default` a `Command`,
 * then add one line here (keep the list sorted; the order is the order of `--help`).
 */
import type { Command } from '../command.js';

export type CommandLoader = () => Promise<{ default: Command }>;

export const COMMANDS: Readonly<Record<string, CommandLoader>> = {
  completion: () => import('./completion.js'),
  defaults: () => import('./defaults.js'),
  doctor: () => import('./doctor.js'),
  emit: () => import('./emit.js'),
  explain: () => import('./explain.js'),
  'free-port': () => import('./free-port.js'),
  get: () => import('./get.js'),
  map: () => import('./map.js'),
  metrics: () => import('./metrics.js'),
  persist: () => import('./persist.js'),
  report: () => import('./report.js'),
  reserved: () => import('./reserved.js'),
  set: () => import('./set.js'),
  usage: () => import('./usage.js'),
  watch: () => import('./watch.js'),
};

/** Other names for commands. */
export const ALIASES: Readonly<Record<string, string>> = {};
