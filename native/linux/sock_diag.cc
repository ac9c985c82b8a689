// Socket census over NETLINK_SOCK_DIAG: one SOCK_DIAG_BY_FAMILY dump per (protocol, family), all states.
//
// Why a dedicated thread for namespaces: a netlink socket belongs to the network namespace of the thread that
// created it. We create it on a short-lived std::thread that setns()s first, so neither the Node main thread
// nor a libuv pool thread ever changes namespace. The dump itself then runs on the libuv pool (AsyncWorker).
#include "sock_diag.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <sched.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace ephemeral_ports {
namespace {

struct OsFailure {
  int err = 0;
  const char* syscall = nullptr;
  std::string path;
};

const char* ErrnoName(int err) {
#if defined(__GLIBC__) && ((__GLIBC__ > 2) || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 32))
  const char* name = strerrorname_np(err);
  if (name != nullptr) return name;
#endif
  switch (err) {
    case EPERM: return "EPERM";
    case ENOENT: return "ENOENT";
    case EACCES: return "EACCES";
    case EINVAL: return "EINVAL";
    case ENOMEM: return "ENOMEM";
    case ENOBUFS: return "ENOBUFS";
    case EPROTONOSUPPORT: return "EPROTONOSUPPORT";
    case EAFNOSUPPORT: return "EAFNOSUPPORT";
    case EOPNOTSUPP: return "EOPNOTSUPP";
    default: return "EUNKNOWN";
  }
}

Napi::Error ToJsError(Napi::Env env, const OsFailure& f) {
  std::string message = std::string(f.syscall) + (f.path.empty() ? "" : " " + f.path) + ": " + strerror(f.err);
  Napi::Error error = Napi::Error::New(env, message);
  error.Set("code", Napi::String::New(env, ErrnoName(f.err)));
  error.Set("errno", Napi::Number::New(env, f.err));
  error.Set("syscall", Napi::String::New(env, f.syscall));
  if (!f.path.empty()) error.Set("path", Napi::String::New(env, f.path));
  return error;
}

int OpenDiagSocket(OsFailure* failure) {
  int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_CLOEXEC, NETLINK_SOCK_DIAG);
  if (fd < 0) *failure = {errno, "socket", ""};
  return fd;
}

// Opens the diag socket inside the namespace at `path`, from a throwaway thread (see file comment).
int OpenDiagSocketIn(const std::string& path, OsFailure* failure) {
  if (path.empty()) return OpenDiagSocket(failure);
  int fd = -1;
  std::thread worker([&] {
    int nsfd = open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (nsfd < 0) {
      *failure = {errno, "open", path};
      return;
    }
    if (setns(nsfd, CLONE_NEWNET) != 0) {
      *failure = {errno, "setns", path};
      close(nsfd);
      return;
    }
    close(nsfd);
    fd = OpenDiagSocket(failure);
  });
  worker.join();
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
  // Records are little-endian; every Linux target Node supports that we build for is little-endian, but be exact.
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

// One dump: request every state of (family, protocol) and append each reply message as a record.
bool Dump(int fd, uint8_t family, uint8_t protocol, std::vector<uint8_t>* out, std::vector<uint8_t>* buf,
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

  sockaddr_nl kernel;
  memset(&kernel, 0, sizeof(kernel));
  kernel.nl_family = AF_NETLINK;
  if (sendto(fd, &request, sizeof(request), 0, reinterpret_cast<sockaddr*>(&kernel), sizeof(kernel)) < 0) {
    *failure = {errno, "sendto", ""};
    return false;
  }
  for (;;) {
    ssize_t n = recv(fd, buf->data(), buf->size(), 0);
    if (n < 0) {
      if (errno == EINTR) continue;
      *failure = {errno, "recv", ""};
      return false;
    }
    if (n == 0) return true;
    int len = static_cast<int>(n);
    for (nlmsghdr* h = reinterpret_cast<nlmsghdr*>(buf->data()); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const nlmsgerr* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        *failure = {e->error < 0 ? -e->error : EPROTO, "sock_diag", ""};
        return false;
      }
      if (h->nlmsg_type != SOCK_DIAG_BY_FAMILY || h->nlmsg_len < NLMSG_LENGTH(sizeof(inet_diag_msg))) continue;
      AppendRecord(out, protocol, static_cast<const inet_diag_msg*>(NLMSG_DATA(h)));
    }
  }
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
    int fd = OpenDiagSocketIn(request_.netns, &failure_);
    if (fd < 0) return;
    // 64 KiB holds a full kernel dump batch; records grow by ~48 bytes per socket.
    std::vector<uint8_t> buf(64 * 1024);
    records_.reserve(4096 * kCensusRecordSize);
    const uint8_t protocols[] = {IPPROTO_TCP, IPPROTO_UDP};
    const bool wantProtocol[] = {request_.tcp, request_.udp};
    const uint8_t families[] = {AF_INET, AF_INET6};
    const bool wantFamily[] = {request_.v4, request_.v6};
    for (int p = 0; p < 2 && failure_.err == 0; p++) {
      if (!wantProtocol[p]) continue;
      for (int f = 0; f < 2; f++) {
        if (!wantFamily[f]) continue;
        if (!Dump(fd, families[f], protocols[p], &records_, &buf, &failure_)) break;
      }
    }
    close(fd);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.err != 0) {
      deferred_.Reject(ToJsError(env, failure_).Value());
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
