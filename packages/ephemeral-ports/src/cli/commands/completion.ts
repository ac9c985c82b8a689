/** `ephemeral-ports completion <bash|zsh|fish>`: the shell completion script, generated from the --help texts. */
import type { Command } from '../command.js';
import { atMost, parseArgs, usageError } from '../args.js';
import { closest } from '../suggest.js';

const command: Command = {
  name: 'completion',
  summary: 'Print the shell completion script for bash, zsh or fish',
  usage: `Usage: ephemeral-ports completion <shell>

Print a completion script for bash, zsh or fish: commands, options, option values (protocols, census methods,
kinds, paths) and first words (emit targets, defaults OSes, reserved actions), all read from the --help texts.
The script is static: pressing Tab does not start Node.

Shells:
  bash  source it, or save it as ~/.local/share/bash-completion/completions/ephemeral-ports
  zsh   save it as _ephemeral-ports in a directory of $fpath, or source it after compinit
  fish  save it as ~/.config/fish/completions/ephemeral-ports.fish

Options:
  -h, --help  Show this help

Examples:
  source <(ephemeral-ports completion bash)
  ephemeral-ports completion zsh > "\${fpath[1]}/_ephemeral-ports"
  ephemeral-ports completion fish > ~/.config/fish/completions/ephemeral-ports.fish
`,
  async run(argv, ctx) {
    const args = parseArgs(argv);
    atMost(args, 1, 'completion');
    if (ctx.json) throw usageError('completion has no --json: it prints a shell script');
    const { SHELLS, completionScript } = await import('../completion.js');
    const shell = args.positionals[0];
    if (shell === undefined) throw usageError('completion needs a shell: bash, zsh or fish');
    if (!(SHELLS as readonly string[]).includes(shell)) {
      const guess = closest(shell, SHELLS);
      throw usageError(`unknown shell ${JSON.stringify(shell)}`, guess ? `did you mean ${guess}?` : 'shells: bash, zsh, fish');
    }
    if (!ctx.allCommands) throw new Error('completion needs the command table (CliContext.allCommands)');
    const { specOf } = await import('../specs.js');
    const all = await ctx.allCommands();
    const script = completionScript(shell as (typeof SHELLS)[number], { main: specOf(all.main), commands: all.commands.map(specOf) });
    ctx.stdout.write(script);
    return 0;
  },
};
export default command;
