/**
 * Remedies for OS errors met by the JS fallback. The addon computes the same sentences in C++
 * (native/linux/procfs.cc `KnobRemedy`); keep the two in step.
 */
export function knobRemedy(code: string, syscall: string | undefined): string | undefined {
  switch (code) {
    case 'EACCES':
    case 'EPERM':
      return (
        'run as root or with CAP_NET_ADMIN in that network namespace; in a container use the runtime\'s ' +
        '--sysctl option (e.g. docker run --sysctl net.ipv4.ip_local_port_range="49152 65535")'
      );
    case 'EROFS':
      return (
        '/proc/sys is mounted read-only (usual in containers): set it with the runtime\'s --sysctl option, ' +
        "or from the host with the netns option pointing at the container's namespace"
      );
    case 'ENOENT':
      return (
        'the file is missing: is /proc mounted, and does this kernel have the knob ' +
        '(ip_unprivileged_port_start needs Linux 4.11+)?'
      );
    case 'EINVAL':
      return syscall === 'write' ? 'the kernel refused the value' : undefined;
    default:
      return undefined;
  }
}
