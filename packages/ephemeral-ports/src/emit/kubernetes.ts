/**
 * `emit kubernetes`: a complete Pod, or a patch for a Deployment's pod template, with `securityContext.sysctls`.
 *
 * Kubernetes' rules ("Using sysctls in a Kubernetes Cluster",
 * https://kubernetes.io/docs/tasks/administer-cluster/sysctl-cluster/):
 * - `net.ipv4.ip_local_port_range` is in the safe set (allowed by default, sysctls stable since 1.21);
 * - `net.ipv4.ip_local_reserved_ports` is safe since Kubernetes 1.27 and needs kernel 3.16+;
 * - `net.*` sysctls are not allowed with host networking: the kubelet rejects the pod (SysctlForbidden).
 */
import { EphemeralPortsError, ErrorCodes, invalidArgValue } from '@ephemeral-ports/core';
import { checkOneLine, toYaml } from './yaml-text.js';

export const KUBERNETES_KINDS = ['pod', 'deployment-patch'] as const;
export type KubernetesKind = (typeof KUBERNETES_KINDS)[number];

/** An image that runs anywhere and does nothing, so the emitted Pod applies as is; users put their own. */
export const DEFAULT_POD_IMAGE = 'registry.k8s.io/pause:3.10';
export const DEFAULT_WORKLOAD_NAME = 'app';

export interface KubernetesEmitInput {
  kind: KubernetesKind;
  sysctls: Array<{ name: string; value: string }>;
  name?: string;
  image?: string;
  hostNetwork?: boolean;
  reserved: boolean;
}

// RFC 1123 label: what Kubernetes accepts for a Pod name and a container name alike.
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

export function kubernetesObject(input: KubernetesEmitInput): { value: object; comment: string; notes: string[] } {
  if (input.hostNetwork) {
    throw new EphemeralPortsError(
      ErrorCodes.UNSUPPORTED_OPERATION,
      'pod sysctls cannot be used with hostNetwork: true — the kubelet rejects the pod (SysctlForbidden: ' +
        '"not allowed with host net enabled") and its controller recreates it endlessly',
      {
        remedy:
          "a hostNetwork pod shares the node's namespace: set the range on the node instead " +
          '(ephemeral-ports emit sysctl, or emit ansible), or drop hostNetwork',
      },
    );
  }
  const name = checkOneLine('options.name', input.name ?? DEFAULT_WORKLOAD_NAME);
  if (name.length > 63 || !DNS_LABEL.test(name)) {
    throw invalidArgValue('options.name', name, 'must be a DNS label (lowercase letters, digits and "-", at most 63)');
  }
  const securityContext = { sysctls: input.sysctls };
  const why = [
    'net.ipv4.ip_local_port_range is a safe sysctl: allowed by default and by the Pod Security "baseline" policy.',
    "It sets the range of this pod's own network namespace only; not allowed with hostNetwork: true.",
    "Keep the range clear of the cluster's --service-node-port-range (default 30000-32767).",
    ...(input.reserved ? ['net.ipv4.ip_local_reserved_ports is safe since Kubernetes 1.27 (kernel 3.16+).'] : []),
  ];
  if (input.kind === 'deployment-patch') {
    return {
      value: { spec: { template: { spec: { securityContext } } } },
      comment: [`Apply: kubectl patch deployment ${name} --patch-file THIS_FILE`, ...why].join('\n'),
      notes: [
        'a strategic-merge patch for a Deployment (also StatefulSet, DaemonSet); it replaces the pod template\'s sysctls list',
      ],
    };
  }
  const image = checkOneLine('options.image', input.image ?? DEFAULT_POD_IMAGE);
  return {
    value: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { securityContext, containers: [{ name, image }] },
    },
    comment: ['Apply: kubectl apply -f THIS_FILE', ...why].join('\n'),
    notes: [
      `replace the image (${image}) with yours, or use --kind deployment-patch to change an existing workload`,
    ],
  };
}

export function emitKubernetes(input: KubernetesEmitInput): { content: string; notes: string[] } {
  const { value, comment, notes } = kubernetesObject(input);
  return { content: toYaml(value, comment), notes };
}
