// Socket census over NETLINK_SOCK_DIAG, all states: TCP of both families in one dump (see DumpTcpBothFamilies),
// UDP with one inet_diag_req_v2 dump per family.
//
// Why a dedicated thread for namespaces: a netlink socket belongs to the network namespace of the thread that
// created it. We create the sockets on a short-lived thread that setns()s first (RunInNetns, netns_thread.h), so
// neither the Node main thread nor a libuv pool thread ever changes namespace. The dumps then run from the libuv
// pool (AsyncWorker) and come back to JS as one buffer of fixed records.
#include "sock_diag.h"

#include "netns_thread.h"
#include "system_error.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <vector>

namespace ephemeral_ports {
namespace {

int OpenDiagSocket(OsFailure* failure) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) {
    failure->Set(errno, "socket", "");
    failure->remedy = "the kernel refused a NETLINK_SOCK_DIAG socket (sandbox or very old kernel)";
  }
  return fd;
}

// Opens the diag socket inside the namespace at `path` (see file comment), or in ours when `path` is empty.
int OpenDiagSocketIn(const std::string& path, OsFailure* failure) {
  if (path.empty()) return OpenDiagSocket(failure);
  int fd = -1;
  RunInNetns(
      path,
      [&fd](OsFailure* f) {
        fd = OpenDiagSocket(f);
        return fd >= 0;
      },
      failure);
  return fd;
}

void AppendRecord(std::vector<uint8_t>* out, uint8_t protocol, const inet_diag_msg* msg) {
  size_t at = out->size();
  out->resize(at + kCensusRecordSize, 0);
  uint8_t* r = out->data() + at;
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
}

// Sends one dump request and appends each reply message (of `reply_type`) as a record, until NLMSG_DONE.
bool RunDump(int fd, const void* request, size_t length, uint16_t reply_type, uint8_t protocol, std::vector<uint8_t>* out,
             std::vector<uint8_t>* buf, OsFailure* failure) {
  sockaddr_nl kernel;
  memset(&kernel, 0, sizeof(kernel));
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, request, length, 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    failure->Set(errno, "sendto", "");
    return false;
  }
  for (;;) {
    ssize_t n = recv(fd, buf->data(), buf->size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      failure->Set(errno, "recv", "");
      return false;
    }
    if (n == 0) return true;
    int len = static_cast<int>(n);
    for (nlmsghdr* h = reinterpret_cast<nlmsghdr*>(buf->data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const nlmsgerr* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        failure->Set(e->error < 0 ? -e->error : EPROTO, "sock_diag", "");
        if (failure->err == ENOENT) failure->remedy = "this kernel lacks the diag module for this protocol (tcp_diag/udp_diag)";
        return false;
      }
      if (h->nlmsg_type != reply_type || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
      AppendRecord(out, protocol, static_cast<const inet_diag_msg*>(NLMSG_DATA(h)));
    }
  }
}

// inet_diag_req_v2 for one (family, protocol), every state. ~0U includes TCP_BOUND_INACTIVE, so kernels >= 6.7
// also dump TCP sockets that are bound but neither listening nor connected (reported with state TCP_CLOSE).
bool DumpFamily(int fd, uint8_t family, uint8_t protocol, std::vector<uint8_t>* out, std::vector<uint8_t>* buf,
                OsFailure* failure) {
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

// TCP of both families in ONE dump. Why: every dump walks the kernel's whole established and bind hash tables
// (shared by all namespaces); that walk, not our sockets, dominates the cost (measured: ~40 % of the TCP census
// CPU saved). inet_diag_req_v2 must name one family, but the kernel's compatibility request TCPDIAG_GETSOCK
// (struct inet_diag_req, same reply format) is served with AF_UNSPEC, i.e. both families in one walk. Same
// NETLINK_SOCK_DIAG socket, same states; the caller falls back to two v2 dumps if a kernel refuses it.
bool DumpTcpBothFamilies(int fd, std::vector<uint8_t>* out, std::vector<uint8_t>* buf, OsFailure* failure) {
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

struct CensusRequest {
  std::string netns;
  bool tcp = true, udp = true, v4 = true, v6 = true;
};

class CensusWorker : public Napi::AsyncWorker {
 public:
  CensusWorker(Napi::Env env, CensusRequest request)
      : Napi::AsyncWorker(env), request_(std::move(request)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    const int fd = OpenDiagSocketIn(request_.netns, &failure_);
    if (fd < 0) return;
    // 64 KiB receive buffer: the kernel fills up to 32 KiB per batch (~370 sockets). The dumps run one after the
    // other on one socket (measured on a busy 2-core host, parallel threads were no faster).
    std::vector<uint8_t> buf(64 * 1024);
    records_.reserve(4096 * kCensusRecordSize);
    bool tcp_done = false;
    if (request_.tcp && request_.v4 && request_.v6) {
      size_t mark = records_.size();
      OsFailure compat;
      tcp_done = DumpTcpBothFamilies(fd, &records_, &buf, &compat);
      if (!tcp_done) {
        records_.resize(mark);
        // The kernel answered with an error message (the dump is over): redo TCP with two v2 dumps. Any other
        // failure (send/recv) may leave a dump half-read on the socket, so it is reported instead.
        if (compat.syscall != "sock_diag") failure_ = compat;
      }
    }
    const uint8_t families[] = {AF_INET, AF_INET6};
    const bool want_family[] = {request_.v4, request_.v6};
    for (int f = 0; f < 2 && !failure_.failed(); f++) {
      if (request_.tcp && !tcp_done && want_family[f]) DumpFamily(fd, families[f], IPPROTO_TCP, &records_, &buf, &failure_);
    }
    for (int f = 0; f < 2 && !failure_.failed(); f++) {
      if (request_.udp && want_family[f]) DumpFamily(fd, families[f], IPPROTO_UDP, &records_, &buf, &failure_);
    }
    close(fd);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.failed()) {
      deferred_.Reject(SystemError(env, failure_).Value());
      return;
    }
    Napi::ArrayBuffer out = Napi::ArrayBuffer::New(env, records_.size());
    if (!records_.empty()) memcpy(out.Data(), records_.data(), records_.size());
    deferred_.Resolve(out);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  CensusRequest request_;
  Napi::Promise::Deferred deferred_;
  OsFailure failure_;
  std::vector<uint8_t> records_;
};

bool FlagOr(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : fallback;
}

Napi::Value SockDiagCensus(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CensusRequest request;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsObject()) {
      Napi::TypeError::New(env, "sockDiagCensus: options must be an object").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Value ns = o.Get("netns");
    if (ns.IsString()) {
      request.netns = ns.As<Napi::String>().Utf8Value();
    } else if (!ns.IsUndefined() && !ns.IsNull()) {
      Napi::TypeError::New(env, "sockDiagCensus: netns must be a path string").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    request.tcp = FlagOr(o, "tcp", true);
    request.udp = FlagOr(o, "udp", true);
    request.v4 = FlagOr(o, "v4", true);
    request.v6 = FlagOr(o, "v6", true);
  }
  CensusWorker* worker = new CensusWorker(env, std::move(request));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterCensus(Napi::Env env, Napi::Object exports) {
  exports.Set("sockDiagCensus", Napi::Function::New(env, SockDiagCensus, "sockDiagCensus"));
  exports.Set("censusRecordSize", Napi::Number::New(env, static_cast<double>(kCensusRecordSize)));
}

}  // namespace ephemeral_ports
