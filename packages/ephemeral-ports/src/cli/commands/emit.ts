/** `ephemeral-ports emit <target> [range]`: configuration for sysctl.d, Kubernetes, Docker, Ansible, BSD, AIX, Windows. */
import type { Command } from '../command.js';
import { KUBERNETES_KINDS } from '../../emit/kubernetes.js';
import { atMost, parseArgs, protocolOption, usageError } from '../args.js';
import { rangeFromWords } from '../range-arg.js';
import { warningLines, writeJson } from '../output.js';

/** Target-specific flags and the targets that take them. */
const EMIT_FLAG_TARGETS: ReadonlyArray<[string, readonly string[]]> = [
  ['kind', ['kubernetes']],
  ['image', ['kubernetes']],
  ['name', ['kubernetes', 'compose']],
  ['hosts', ['ansible']],
  // TCP and UDP have separate ranges only on AIX and Windows; elsewhere one range serves both.
  ['protocol', ['aix', 'windows-netsh', 'windows-powershell']],
];

/** `a`, `a and b`, `a, b and c`. */
const listed = (items: readonly string[]) => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

function optionalText(values: ReadonlyMap<string, string>, keys: readonly ('name' | 'image' | 'hosts')[]) {
  const out: { name?: string; image?: string; hosts?: string } = {};
  for (const key of keys) {
    const v = values.get(key);
    if (v !== undefined) out[key] = v;
  }
  return out;
}

const command: Command = {
  name: 'emit',
  summary: 'Print ready-to-use configuration for fleet tools',
  usage: `Usage: ephemeral-ports emit <target> [<low>-<high> | <low> <high>] [options]

Print configuration that sets the ephemeral port range with another tool. Without a range: the live range of
this machine. The range is validated with the rules of the OS the target configures.

Targets:
  sysctl              /etc/sysctl.d file (Linux hosts)                          (alias: sysctl.d)
  kubernetes          Pod / Deployment patch with securityContext.sysctls       (aliases: k8s, pod)
  docker              docker run --sysctl
  compose             docker compose override file with sysctls:                (alias: docker-compose)
  ansible             playbook with an ansible.posix.sysctl task
  freebsd             /etc/sysctl.conf lines
  aix                 no -p -o ... command
  windows-netsh       netsh int ipv4 set dynamicport ...                        (alias: netsh)
  windows-powershell  Set-NetTCPSetting / Set-NetUDPSetting                     (alias: powershell)

Options:
  --reserved <ports>    Linux targets: also set ip_local_reserved_ports (e.g. 8080,9000-9100)
  --protocol <tcp|udp>  AIX and Windows: only this protocol (default both)
  --host-network        Kubernetes: the pod uses hostNetwork: true (refused: the kubelet rejects such pods)
  --kind <${KUBERNETES_KINDS.join('|')}>
                        Kubernetes: pod (a complete Pod, default) or deployment-patch (kubectl patch --patch-file)
  --name <name>         Kubernetes: Pod / Deployment name; compose: service name (default app)
  --image <image>       Kubernetes pod: container image (default registry.k8s.io/pause:3.10)
  --hosts <pattern>     ansible: the play's host pattern (default all)
  --file <path>         sysctl / ansible: the sysctl.d file (default /etc/sysctl.d/90-ephemeral-ports.conf)
  --json                Print {target, os, range, format, path?, content, notes}
  -h, --help            Show this help

Examples:
  ephemeral-ports emit sysctl 49152-65535 | sudo tee /etc/sysctl.d/90-ephemeral-ports.conf
  ephemeral-ports emit kubernetes 20000 60999 > pod.yaml && kubectl apply -f pod.yaml
  ephemeral-ports emit kubernetes 49152-65535 --kind deployment-patch --name web > patch.yaml
  ephemeral-ports emit ansible 49152-65535 --reserved 8080 > ephemeral.yml
  ephemeral-ports emit windows-netsh 49152-65535
`,
  async run(argv, ctx) {
    const args = parseArgs(argv, {
      booleans: ['host-network'],
      strings: ['reserved', 'protocol', 'file', 'kind', 'name', 'image', 'hosts'],
    });
    atMost(args, 3, 'emit');
    const [name, ...rangeWords] = args.positionals;
    if (name === undefined) throw usageError('emit needs a target, e.g. emit sysctl 49152-65535');
    const mod = await import('../../emit/targets.js');
    const target = (mod.EMIT_TARGETS as readonly string[]).includes(name)
      ? (name as (typeof mod.EMIT_TARGETS)[number])
      : Object.hasOwn(mod.EMIT_ALIASES, name)
        ? mod.EMIT_ALIASES[name]
        : undefined;
    if (target === undefined) throw usageError(`unknown target ${JSON.stringify(name)}; targets: ${mod.EMIT_TARGETS.join(', ')}`);
    if (args.flags.has('host-network') && target !== 'kubernetes') throw usageError('--host-network applies to kubernetes only');
    for (const [flag, targets] of EMIT_FLAG_TARGETS) {
      if (args.values.has(flag) && !targets.includes(target)) throw usageError(`--${flag} applies to ${listed(targets)} only`);
    }
    const kind = args.values.get('kind');
    if (kind !== undefined && !(mod.KUBERNETES_KINDS as readonly string[]).includes(kind)) {
      throw usageError(`--kind must be one of ${mod.KUBERNETES_KINDS.join(', ')}`);
    }
    // A patch changes an existing workload, whose image stays: an --image there would be silently dropped.
    if (args.values.has('image') && kind !== undefined && kind !== 'pod') throw usageError(`--image applies to --kind pod only`);
    const protocol = protocolOption(args);
    const reservedText = args.values.get('reserved');
    const { toPortSet } = await import('../../reserved-ports.js');
    const reserved = reservedText === undefined ? undefined : toPortSet(reservedText);
    const file = args.values.get('file');

    let range;
    if (rangeWords.length > 0) range = rangeFromWords(rangeWords);
    else {
      const { getEphemeralRange } = await import('../../range-report.js');
      range = (await getEphemeralRange(protocol ? { protocol } : {})).range;
    }
    const emitted = mod.emitConfig(target, range, {
      ...(reserved ? { reserved } : {}),
      ...(protocol ? { protocol } : {}),
      ...(file ? { file } : {}),
      ...(kind ? { kind: kind as (typeof mod.KUBERNETES_KINDS)[number] } : {}),
      ...optionalText(args.values, ['name', 'image', 'hosts']),
      hostNetwork: args.flags.has('host-network'),
    });
    const { safetyWarnings } = await import('../../emit/safety-notes.js');
    const warnings = safetyWarnings(emitted.range, reserved);
    if (ctx.json) {
      writeJson(ctx, { ...emitted, warnings });
      return 0;
    }
    ctx.stdout.write(emitted.content);
    ctx.stderr.write(warningLines(ctx, warnings));
    return 0;
  },
};
export default command;
