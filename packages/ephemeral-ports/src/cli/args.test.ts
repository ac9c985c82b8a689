import { describe, expect, it } from 'vitest';
import { parseArgs } from './args.js';

const spec = { booleans: ['force', 'no-probe'], strings: ['protocol', 'netns'] };
const usage = (argv: string[]) => {
  try {
    parseArgs(argv, spec);
  } catch (error) {
    const e = error as { code: string; message: string; remedy?: string };
    return { code: e.code, message: e.message, remedy: e.remedy };
  }
  throw new Error(`no error for ${argv.join(' ')}`);
};

describe('parseArgs (util.parseArgs tokens, our rules)', () => {
  it('reads booleans, --name value, --name=value, -h and positionals in order', () => {
    const r = parseArgs(['8080', '--force', '--protocol', 'udp', '--netns=/run/netns/a', '-h', '9090'], spec);
    expect([...r.flags].sort()).toEqual(['force', 'help', 'netns', 'protocol']);
    expect(Object.fromEntries(r.values)).toEqual({ protocol: 'udp', netns: '/run/netns/a' });
    expect(r.positionals).toEqual(['8080', '9090']);
  });

  it('keeps negative numbers, a lone "-" and everything after "--" as positionals', () => {
    expect(parseArgs(['-1', '-', '-12', '--', '--force', '-x'], spec).positionals).toEqual(['-1', '-', '-12', '--force', '-x']);
    expect(parseArgs(['--protocol', '-1'], spec).values.get('protocol')).toBe('-1');
  });

  it('refuses unknown options, naming the closest known one', () => {
    expect(usage(['--protcol', 'udp'])).toMatchObject({ code: 'ERR_EPHEMERAL_USAGE', message: 'unknown option --protcol', remedy: 'did you mean --protocol?' });
    expect(usage(['--frobnicate'])).toMatchObject({ message: 'unknown option --frobnicate', remedy: 'see --help' });
    expect(usage(['-x'])).toMatchObject({ message: 'unknown option -x' });
  });

  it('refuses a repeated option, a value on a boolean, and a missing or empty value', () => {
    expect(usage(['--force', '--force']).message).toBe('option --force given twice');
    expect(usage(['--protocol', 'tcp', '--protocol=udp']).message).toBe('option --protocol given twice');
    expect(usage(['--force=yes']).message).toBe('option --force takes no value');
    expect(usage(['--netns']).message).toBe('option --netns needs a value');
    expect(usage(['--netns=']).message).toBe('option --netns needs a value');
    expect(usage(['--netns', '--force']).message).toBe('option --netns needs a value');
  });
});
