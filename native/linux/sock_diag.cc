// Socket census over NETLINK_SOCK_DIAG, all states: TCP of both families in one dump (see DumpTcpCompat), UDP
// with one inet_diag_req_v2 dump per family. census.cc decides where (which namespace).
//
// Almost all of a dump's time is the kernel's walk of its hash tables and one message per socket; the recv calls
// and building the records are small beside it, so the code below favours plainness over tricks.
#include "sock_diag.h"

#include "os_failure.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>

namespace ephemeral_ports {
namespace {

// False when memory ran out.
bool AppendRecord(RecordBuffer* out, uint8_t protocol, const inet_diag_msg* msg) {
  uint8_t* r = out->Append();
  if (r == nullptr) return false;
  r[kRecProtocol] = protocol;
  r[kRecFamily] = msg->idiag_family == AF_INET6 ? 6 : 4;
  r[kRecState] = msg->idiag_state;
  uint16_t lport = ntohs(msg->id.idiag_sport);
  uint16_t rport = ntohs(msg->id.idiag_dport);
  uint32_t inode = msg->idiag_inode;
  uint32_t uid = msg->idiag_uid;
  // Records are little-endian whatever the host order: the JS side reads them with DataView(..., true).
  auto put16 = [&](size_t off, uint16_t v) { r[off] = v & 0xff; r[off + 1] = v >> 8; };
  auto put32 = [&](size_t off, uint32_t v) {
    for (int i = 0; i < 4; i++) r[off + i] = (v >> (8 * i)) & 0xff;
  };
  put16(kRecLocalPort, lport);
  put16(kRecRemotePort, rport);
  put32(kRecInode, inode);
  put32(kRecUid, uid);
  size_t addrLen = msg->idiag_family == AF_INET6 ? 16 : 4;
  memcpy(r + kRecLocalAddr, msg->id.idiag_src, addrLen);
  memcpy(r + kRecRemoteAddr, msg->id.idiag_dst, addrLen);
  return true;
}

// The kernel hands out at most one batch per recv, capped at 32 KiB per dump skb whatever the buffer size, so
// 64 KiB always holds one; MSG_TRUNC below would report one that did not fit.
constexpr size_t kRecvSize = 64 * 1024;

// Sends one dump request and appends each reply message (of `reply_type`) as a record, until NLMSG_DONE.
bool RunDump(int fd, const void* request, size_t length, uint16_t reply_type, uint8_t protocol, RecordBuffer* out,
             uint8_t* buf, OsFailure* failure) {
  sockaddr_nl kernel;
  memset(&kernel, 0, sizeof(kernel));
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, request, length, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    failure->Set(errno, "sendto", "");
    return false;
  }
  for (;;) {
    ssize_t n = recv(fd, buf, kRecvSize, MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      failure->Set(errno, "recv", "");
      return false;
    }
    if (n == 0) return true;
    if (static_cast<size_t>(n) > kRecvSize) {  // a truncated batch would silently drop sockets
      failure->SetCondition("ERR_EPHEMERAL_INTERNAL", "a sock_diag batch of " + std::to_string(n) + " bytes did not fit the receive buffer",
                            "recv", "");
      return false;
    }
    int len = static_cast<int>(n);
    for (nlmsghdr* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const nlmsgerr* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        if (e->error < 0) failure->Set(-e->error, "sock_diag", "");
        else failure->SetCondition("ERR_EPHEMERAL_PARSE", "an acknowledgement where a dump was expected", "sock_diag", "");
        return false;
      }
      if (h->nlmsg_type != reply_type || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
      if (!AppendRecord(out, protocol, static_cast<const inet_diag_msg*>(NLMSG_DATA(h)))) {
        failure->Set(ENOMEM, "mmap", "");
        return false;
      }
    }
  }
}

// inet_diag_req_v2 for one (family, protocol), every state. ~0U includes TCP_BOUND_INACTIVE, so kernels >= 6.7
// also dump TCP sockets that are bound but neither listening nor connected (reported with state TCP_CLOSE).
bool DumpFamily(int fd, uint8_t family, uint8_t protocol, RecordBuffer* out, uint8_t* buf, OsFailure* failure) {
  struct {
    nlmsghdr nlh;
    inet_diag_req_v2 req;
  } request;
  memset(&request, 0, sizeof(request));
  request.nlh.nlmsg_len = sizeof(request);
  request.nlh.nlmsg_type = SOCK_DIAG_BY_FAMILY;
  request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.nlh.nlmsg_seq = 1;
  request.req.sdiag_family = family;
  request.req.sdiag_protocol = protocol;
  request.req.idiag_states = ~0U;
  return RunDump(fd, &request, sizeof(request), SOCK_DIAG_BY_FAMILY, protocol, out, buf, failure);
}

// TCP of both families, every state, in ONE dump. Why: every dump walks the kernel's whole established and bind
// hash tables (shared by all namespaces); that walk, not our sockets, dominates the cost, so one walk instead of
// two saves most of a second dump. inet_diag_req_v2 must name one family, but the kernel's compatibility request
// TCPDIAG_GETSOCK (struct inet_diag_req, same reply format) is served with AF_UNSPEC, i.e. both families in one
// walk. Same NETLINK_SOCK_DIAG socket, same states; the caller falls back to two v2 dumps if a kernel refuses it.
bool DumpTcpCompat(int fd, RecordBuffer* out, uint8_t* buf, OsFailure* failure) {
  struct {
    nlmsghdr nlh;
    inet_diag_req req;
  } request;
  memset(&request, 0, sizeof(request));
  request.nlh.nlmsg_len = sizeof(request);
  request.nlh.nlmsg_type = TCPDIAG_GETSOCK;
  request.nlh.nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
  request.nlh.nlmsg_seq = 2;
  request.req.idiag_family = AF_INET;  // ignored by the compatibility path, which dumps AF_UNSPEC
  request.req.idiag_states = ~0U;
  return RunDump(fd, &request, sizeof(request), TCPDIAG_GETSOCK, IPPROTO_TCP, out, buf, failure);
}

}  // namespace

int OpenDiagSocket(OsFailure* failure) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) {
    failure->Set(errno, "socket", "");
  }
  return fd;
}

bool SockDiagCensus(int fd, const CensusSelection& what, RecordBuffer* out, OsFailure* failure) {
  // The dumps run one after the other on one socket. Splitting the TCP dump over threads (complementary port
  // filters) gains nothing: each thread still walks the whole hash tables and takes the same bucket locks.
  std::unique_ptr<uint8_t[]> buf(new uint8_t[kRecvSize]);
  bool tcp_done = false;
  if (what.tcp && what.v4 && what.v6) {
    size_t mark = out->size();
    OsFailure compat;
    tcp_done = DumpTcpCompat(fd, out, buf.get(), &compat);
    if (!tcp_done) {
      out->Truncate(mark);
      // The kernel answered with an error message (the dump is over): redo TCP with two v2 dumps. Any other
      // failure (send/recv) may leave a dump half-read on the socket, so it is reported instead.
      if (compat.syscall != "sock_diag") {
        *failure = compat;
        return false;
      }
    }
  }
  const uint8_t families[] = {AF_INET, AF_INET6};
  const bool want_family[] = {what.v4, what.v6};
  for (int f = 0; f < 2; f++) {
    if (what.tcp && !tcp_done && want_family[f] && !DumpFamily(fd, families[f], IPPROTO_TCP, out, buf.get(), failure)) return false;
  }
  for (int f = 0; f < 2; f++) {
    if (what.udp && want_family[f] && !DumpFamily(fd, families[f], IPPROTO_UDP, out, buf.get(), failure)) return false;
  }
  return true;
}

}  // namespace ephemeral_ports
