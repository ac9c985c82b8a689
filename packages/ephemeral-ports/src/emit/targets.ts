/**
 * Ready-to-use configuration for fleet tools, one renderer per target. Pure: (range, options) → text. Every
 * range is validated with the rules of the OS the target configures, so what we print is what that OS accepts.
 */
import {
  type PortRange,
  PortSet,
  type Protocol,
  type TargetOs,
  assertValidRange,
  checkOneOf,
  invalidArgType,
  invalidArgValue,
} from '@ephemeral-ports/core';
import { checkOptions, checkProtocol, checkRangeArgument } from '../options.js';
import { KUBERNETES_KINDS, type KubernetesKind, emitKubernetes } from './kubernetes.js';
import { checkOneLine, toYaml } from './yaml-text.js';

export const EMIT_TARGETS = [
  'sysctl',
  'kubernetes',
  'docker',
  'compose',
  'ansible',
  'freebsd',
  'aix',
  'windows-netsh',
  'windows-powershell',
] as const;
export type EmitTarget = (typeof EMIT_TARGETS)[number];

/** Other accepted spellings. */
export const EMIT_ALIASES: Readonly<Record<string, EmitTarget>> = {
  'sysctl.d': 'sysctl',
  k8s: 'kubernetes',
  pod: 'kubernetes',
  'docker-compose': 'compose',
  netsh: 'windows-netsh',
  powershell: 'windows-powershell',
};

/** The OS whose rules apply to a target's value. */
export const TARGET_OS: Readonly<Record<EmitTarget, TargetOs>> = {
  sysctl: 'linux',
  kubernetes: 'linux',
  docker: 'linux',
  compose: 'linux',
  ansible: 'linux',
  freebsd: 'freebsd',
  aix: 'aix',
  'windows-netsh': 'win32',
  'windows-powershell': 'win32',
};

export interface EmitOptions {
  /** Linux targets: also set `net.ipv4.ip_local_reserved_ports` (safe in Kubernetes since 1.27). */
  reserved?: PortSet;
  /** AIX / Windows: only this protocol (default both). */
  protocol?: Protocol;
  /** Kubernetes: the pod uses `hostNetwork: true` — refused, because the kubelet rejects such pods. */
  hostNetwork?: boolean;
  /** sysctl / ansible: the sysctl.d file to write. */
  file?: string;
  /** Kubernetes: a complete Pod (default) or a patch for a Deployment's pod template. */
  kind?: KubernetesKind;
  /** Kubernetes: Pod / Deployment name (a DNS label); compose: the service name. Default `app`. */
  name?: string;
  /** Kubernetes Pod: the container image. */
  image?: string;
  /** Ansible: the play's host pattern. Default `all`. */
  hosts?: string;
}

// What Compose accepts as a service name (the `services` patternProperties of the Compose spec schema).
const COMPOSE_SERVICE_NAME = /^[a-zA-Z0-9._-]+$/;

/** What `emit` returns; also its `--json` shape. */
export interface Emitted {
  target: EmitTarget;
  os: TargetOs;
  range: PortRange;
  /** `sysctl.d`, `yaml`, `shell`, `sysctl.conf`, `cmd`, `powershell`. */
  format: string;
  /** Where the content goes, when it is a file. */
  path?: string;
  content: string;
  /** What a human should know (scope, prerequisites, how to apply). */
  notes: string[];
}

export const DEFAULT_SYSCTL_FILE = '/etc/sysctl.d/90-ephemeral-ports.conf';
const KEY = 'net.ipv4.ip_local_port_range';
const RESERVED_KEY = 'net.ipv4.ip_local_reserved_ports';

export function emitConfig(target: EmitTarget, range: PortRange, given?: EmitOptions): Emitted {
  checkOneOf('target', target, EMIT_TARGETS);
  checkRangeArgument(range);
  const options = checkOptions(given);
  if (options.protocol !== undefined) checkProtocol(options.protocol);
  if (options.reserved !== undefined && !(options.reserved instanceof PortSet)) {
    throw invalidArgType('options.reserved', 'a PortSet', options.reserved);
  }
  for (const key of ['file', 'name', 'image', 'hosts'] as const) {
    const v = options[key];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw invalidArgType(`options.${key}`, 'a string', v);
    checkOneLine(`options.${key}`, v);
  }
  if (options.kind !== undefined) checkOneOf('options.kind', options.kind, KUBERNETES_KINDS);
  const os = TARGET_OS[target];
  const r = assertValidRange(os, range);
  const value = `${r.low} ${r.high}`;
  const reserved = options.reserved && !options.reserved.isEmpty ? options.reserved.toString() : undefined;
  const protocols: Protocol[] = options.protocol ? [options.protocol] : ['tcp', 'udp'];
  const base = { target, os, range: { low: r.low, high: r.high } };

  switch (target) {
    case 'sysctl': {
      const path = options.file ?? DEFAULT_SYSCTL_FILE;
      const lines = [
        `# ${path} — ephemeral port range for connect() and bind(0); written by ephemeral-ports`,
        `# Apply now: sudo sysctl -p ${path}   (systemd-sysctl applies it at every boot)`,
        `${KEY} = ${value}`,
      ];
      if (reserved) lines.push(`${RESERVED_KEY} = ${reserved}`);
      return {
        ...base,
        format: 'sysctl.d',
        path,
        content: `${lines.join('\n')}\n`,
        notes: ['applies to the initial network namespace only; containers get their own value (see emit kubernetes/docker)'],
      };
    }
    case 'kubernetes': {
      const sysctls = [{ name: KEY, value }];
      if (reserved) sysctls.push({ name: RESERVED_KEY, value: reserved });
      const { content, notes } = emitKubernetes({
        kind: options.kind ?? 'pod',
        sysctls,
        reserved: reserved !== undefined,
        ...(options.name !== undefined ? { name: options.name } : {}),
        ...(options.image !== undefined ? { image: options.image } : {}),
        ...(options.hostNetwork ? { hostNetwork: true } : {}),
      });
      return { ...base, format: 'yaml', content, notes };
    }
    case 'docker': {
      const args = [`--sysctl '${KEY}=${value}'`];
      if (reserved) args.push(`--sysctl '${RESERVED_KEY}=${reserved}'`);
      return {
        ...base,
        format: 'shell',
        content: `docker run ${args.join(' ')} IMAGE\n`,
        notes: [
          'net.* sysctls need the container\'s own network namespace: rejected with --network=host',
          'podman run accepts the same --sysctl flag',
        ],
      };
    }
    case 'compose': {
      const service = options.name ?? 'app';
      if (!COMPOSE_SERVICE_NAME.test(service)) {
        throw invalidArgValue('options.name', service, 'must be a Compose service name (letters, digits, ".", "_", "-")');
      }
      const sysctls: Record<string, string> = { [KEY]: value };
      if (reserved) sysctls[RESERVED_KEY] = reserved;
      const content = toYaml(
        { services: { [service]: { sysctls } } },
        'docker compose override: per-service sysctls (not allowed with network_mode: host).\n' +
          'Apply: docker compose -f compose.yaml -f THIS_FILE up -d',
      );
      return { ...base, format: 'yaml', content, notes: [`merged into the service "${service}" of your compose file`] };
    }
    case 'ansible': {
      const path = options.file ?? DEFAULT_SYSCTL_FILE;
      const task = (name: string, key: string, v: string) => ({
        name,
        'ansible.posix.sysctl': {
          name: key,
          value: v,
          sysctl_file: path,
          sysctl_set: true,
          state: 'present',
          reload: true,
        },
      });
      const tasks = [task(`Ephemeral port range ${r.low}-${r.high}`, KEY, value)];
      if (reserved) tasks.push(task('Reserved ports (never handed out automatically)', RESERVED_KEY, reserved));
      const play = { name: 'Set the ephemeral port range', hosts: options.hosts ?? 'all', become: true, tasks };
      const content = toYaml(
        [play],
        'Ansible playbook; the tasks can be copied into a role. Needs the ansible.posix collection\n' +
          '(shipped with the Debian/Ubuntu "ansible" package; otherwise: ansible-galaxy collection install ansible.posix).',
      );
      return { ...base, format: 'yaml', path, content, notes: [] };
    }
    case 'freebsd': {
      const lines = [
        '# /etc/sysctl.conf (FreeBSD; applied at boot by rc.d/sysctl). Apply now: service sysctl restart',
        `net.inet.ip.portrange.first=${r.low}`,
        `net.inet.ip.portrange.last=${r.high}`,
      ];
      return {
        ...base,
        format: 'sysctl.conf',
        path: '/etc/sysctl.conf',
        content: `${lines.join('\n')}\n`,
        notes: ['per VNET: a vnet jail has its own value and may run its own /etc/sysctl.conf'],
      };
    }
    case 'aix': {
      const args = protocols.flatMap((p) => [`-o ${p}_ephemeral_low=${r.low}`, `-o ${p}_ephemeral_high=${r.high}`]);
      return {
        ...base,
        format: 'shell',
        content:
          '# AIX: -p applies now and records the values in /etc/tunables/nextboot (run as root)\n' +
          `/usr/sbin/no -p ${args.join(' ')}\n`,
        notes: ['TCP and UDP have separate ranges on AIX; limits per tunable: no -x tcp_ephemeral_low'],
      };
    }
    case 'windows-netsh': {
      const count = r.high - r.low + 1;
      // KB929851 sets the range per IP version; whether the two share one range is undocumented: set and show both,
      // as the Windows backend does.
      const families = ['ipv4', 'ipv6'] as const;
      const lines = [
        'REM Windows (elevated cmd.exe). Sets IPv4 and IPv6 alike: whether they share one range is undocumented.',
        ...protocols.flatMap((p) => families.map((f) => `netsh int ${f} set dynamicport ${p} start=${r.low} num=${count} store=persistent`)),
        ...protocols.flatMap((p) => families.map((f) => `netsh int ${f} show dynamicport ${p}`)),
      ];
      return {
        ...base,
        format: 'cmd',
        content: `${lines.join('\r\n')}\r\n`,
        notes: ['excluded port ranges (Hyper-V, WinNAT, Docker) still apply: netsh int ipv4 show excludedportrange protocol=tcp'],
      };
    }
    case 'windows-powershell': {
      const count = r.high - r.low + 1;
      const cmdlet = { tcp: 'Set-NetTCPSetting', udp: 'Set-NetUDPSetting' } as const;
      const lines = [
        '# Windows PowerShell (elevated). Server 2012 R2 and older: add -SettingName InternetCustom.',
        ...protocols.map(
          (p) => `${cmdlet[p]} -DynamicPortRangeStartPort ${r.low} -DynamicPortRangeNumberOfPorts ${count}`,
        ),
      ];
      return { ...base, format: 'powershell', content: `${lines.join('\r\n')}\r\n`, notes: [] };
    }
    default: {
      const never: never = target;
      throw invalidArgValue('target', never, `must be one of ${EMIT_TARGETS.join(', ')}`);
    }
  }
}

export { KUBERNETES_KINDS } from './kubernetes.js';
