/**
 * What a human can do about a failed call, chosen by what failed: the errno name, the syscall, the path and what
 * the caller was doing. The addon reports only code/errno/syscall/path (native/common/system_error.h); every Linux
 * remedy sentence is here, for the addon and the JS fallback alike.
 */

/** The fields of a failure a remedy depends on. */
export interface Failure {
  code: string;
  syscall?: string | undefined;
  path?: string | undefined;
}

export type Remedy = (failure: Failure) => string | undefined;

const NETNS_FORMS = 'use /proc/<pid>/ns/net of a running process or /run/netns/<name>';

/** Entering a namespace given by path (open it, setns() on a fresh thread). */
export const netnsRemedy: Remedy = ({ code, syscall }) => {
  if (syscall === 'pthread_create') {
    return 'the process cannot start the thread that enters the namespace: raise its thread limit (ulimit -u, the cgroup pids.max)';
  }
  switch (code) {
    case 'EPERM':
    case 'EACCES':
      return (
        'entering another network namespace needs root (CAP_SYS_ADMIN), and /proc/<pid>/ns/net also needs ptrace ' +
        'access to that process'
      );
    case 'ENOENT':
    case 'ENOTDIR':
      return `no such namespace: ${NETNS_FORMS}`;
    case 'EINVAL':
      return syscall === 'setns' ? 'the path is not a network namespace' : undefined;
    default:
      return undefined;
  }
};

/** A value a container runtime's --sysctl could carry, per knob we write. */
const EXAMPLE_VALUES: Readonly<Record<string, string>> = {
  ip_local_port_range: '"49152 65535"',
  ip_local_reserved_ports: '"8080,9000-9100"',
  ip_unprivileged_port_start: '1024',
};

/** `docker run --sysctl <the knob at path>=<example>`, or the range's when the path names no knob. */
function sysctlExample(path: string | undefined): string {
  const knob = path?.startsWith('/proc/sys/') ? path.slice('/proc/sys/'.length) : 'net/ipv4/ip_local_port_range';
  const leaf = knob.slice(knob.lastIndexOf('/') + 1);
  return `docker run --sysctl ${knob.replaceAll('/', '.')}=${EXAMPLE_VALUES[leaf] ?? '<value>'}`;
}

/** A knob under /proc/sys/net/ipv4, read or (`writing`) changed. */
export function knobRemedy(writing: boolean): Remedy {
  return ({ code, syscall, path }) => {
    switch (code) {
      case 'EACCES':
      case 'EPERM':
        if (!writing) return `a security policy (AppArmor, SELinux, seccomp) forbids reading ${path ?? '/proc/sys'}`;
        return (
          "run as root or with CAP_NET_ADMIN in that network namespace; in a container use the runtime's " +
          `--sysctl option (e.g. ${sysctlExample(path)})`
        );
      case 'EROFS':
        // Only a knob's own path gets the /proc/sys advice; any other path failed for reasons of its own.
        if (path !== undefined && !path.startsWith('/proc/sys/')) return `${path} is on a read-only file system`;
        return (
          "/proc/sys is mounted read-only (usual in containers): set it with the runtime's --sysctl option, " +
          "or from the host with the netns option pointing at the container's namespace"
        );
      case 'ENOENT':
        return path?.endsWith('/ip_unprivileged_port_start')
          ? 'this kernel has no ip_unprivileged_port_start (it came with Linux 4.11)'
          : `${path ?? 'the file'} is missing: is /proc mounted, with IPv4 enabled?`;
      case 'EINVAL':
        return syscall === 'write' ? 'the kernel refused the value' : undefined;
      default:
        return undefined;
    }
  };
}

/** The NETLINK_SOCK_DIAG census. */
export const censusRemedy: Remedy = ({ code, syscall }) => {
  const procfs = 'method "procfs" lists sockets from /proc/net instead (without bound-only TCP sockets)';
  if (syscall === 'socket') {
    if (code === 'EPROTONOSUPPORT' || code === 'EAFNOSUPPORT') return `this kernel has no NETLINK_SOCK_DIAG; ${procfs}`;
    if (code === 'EACCES' || code === 'EPERM') return `a sandbox (seccomp, SELinux, a container profile) refuses netlink sockets; ${procfs}`;
    if (code === 'EMFILE' || code === 'ENFILE') return 'out of file descriptors: raise the limit (ulimit -n)';
  }
  if (syscall === 'sock_diag' && code === 'ENOENT') return `this kernel lacks the diag module for this protocol (tcp_diag, udp_diag); ${procfs}`;
  if (code === 'ENOMEM' || code === 'ENOBUFS') return 'out of memory for the socket list: retry, or list fewer sockets (protocols, families)';
  return undefined;
}

/** The sysctl.d file that persists the range. */
export const persistRemedy: Remedy = ({ code, path }) => {
  const dir = path === undefined ? 'the directory' : path.slice(0, path.lastIndexOf('/')) || '/';
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return `writing ${dir} needs root`;
    case 'EROFS':
      return `${dir} is on a read-only file system (an immutable image?): add the file where the image is built`;
    case 'ENOSPC':
      return `the file system of ${dir} is full`;
    default:
      return undefined;
  }
};

/** Failures of a call that may enter `netns` first: the namespace's remedies for its path, `other`'s for the rest. */
export function inNetns(netns: string | undefined, other: Remedy): Remedy {
  return (failure) =>
    netns !== undefined && (failure.path === netns || failure.syscall === 'setns') ? netnsRemedy(failure) : other(failure);
}
