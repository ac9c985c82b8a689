/**
 * The Linux kernel interface names native/linux uses, with the release that introduced each (from the kernel's
 * include/uapi history). A source build must work against the headers of Linux 4.18 (RHEL 8): a name introduced
 * later is allowed only behind `#ifndef NAME` / `#define NAME <value>` with a comment citing its release.
 */
export const UAPI_CEILING = [4, 18] as const;

/** name → [major, minor] of the first release whose uapi headers define it. */
export const UAPI_SINCE: Readonly<Record<string, readonly [number, number]>> = {
  // netlink (linux/netlink.h): since the 2.2 series.
  nlmsghdr: [2, 2], nlmsgerr: [2, 2], sockaddr_nl: [2, 2], nl_family: [2, 2],
  nlmsg_len: [2, 2], nlmsg_type: [2, 2], nlmsg_flags: [2, 2], nlmsg_seq: [2, 2], nlmsg_pid: [2, 2],
  NLM_F_REQUEST: [2, 2], NLM_F_DUMP: [2, 2], NLM_F_ACK: [2, 2], NLM_F_MULTI: [2, 2],
  NLMSG_DATA: [2, 2], NLMSG_OK: [2, 2], NLMSG_NEXT: [2, 2], NLMSG_LENGTH: [2, 2], NLMSG_ERROR: [2, 2], NLMSG_DONE: [2, 2],
  MSG_TRUNC: [2, 2],
  // inet_diag (linux/inet_diag.h), the compatibility request and its structs: 2.6.14.
  TCPDIAG_GETSOCK: [2, 6], inet_diag_req: [2, 6], inet_diag_msg: [2, 6], inet_diag_sockid: [2, 6],
  idiag_family: [2, 6], idiag_state: [2, 6], idiag_states: [2, 6], idiag_sport: [2, 6], idiag_dport: [2, 6],
  idiag_src: [2, 6], idiag_dst: [2, 6], idiag_uid: [2, 6], idiag_inode: [2, 6], idiag_ext: [2, 6],
  idiag_timer: [2, 6], idiag_retrans: [2, 6], idiag_expires: [2, 6], idiag_rqueue: [2, 6], idiag_wqueue: [2, 6],
  idiag_if: [2, 6], idiag_cookie: [2, 6], idiag_dbs: [2, 6],
  // sock_diag (linux/sock_diag.h) and inet_diag_req_v2: 3.3.
  NETLINK_SOCK_DIAG: [3, 3], SOCK_DIAG_BY_FAMILY: [3, 3], inet_diag_req_v2: [3, 3], sdiag_family: [3, 3], sdiag_protocol: [3, 3],
  // Namespaces, descriptors, memory.
  CLONE_NEWNET: [2, 6], SOCK_CLOEXEC: [2, 6], SOCK_NONBLOCK: [2, 6], O_PATH: [2, 6], MADV_HUGEPAGE: [2, 6],
};

/** Names that look like kernel interface names (netlink, diag, namespace, socket and mmap flags, statfs magics). */
export const UAPI_NAME =
  /\b(?:NETLINK_\w+|SOCK_DIAG_\w+|INET_DIAG_\w+|TCPDIAG_\w+|TCP_[A-Z_]+|UDP_[A-Z_]+|NLM_F_\w+|NLMSG_\w+|CLONE_\w+|MADV_\w+|O_PATH|SOCK_CLOEXEC|SOCK_NONBLOCK|MSG_[A-Z_]+|SO_[A-Z_]+|SOL_[A-Z_]+|NS_GET_\w+|\w+_MAGIC|inet_diag_\w+|sock_diag_\w+|nlmsghdr|nlmsgerr|sockaddr_nl|(?:idiag|sdiag|nlmsg|nl)_\w+)\b/g;
