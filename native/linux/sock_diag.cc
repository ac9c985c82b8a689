// Socket census over NETLINK_SOCK_DIAG, all states: TCP of both families in one dump (see DumpTcpBothFamilies),
// UDP with one inet_diag_req_v2 dump per family.
//
// Why a dedicated thread for namespaces: a netlink socket belongs to the network namespace of the thread that
// created it. We create the sockets on a short-lived thread that setns()s first (RunInNetns, netns_thread.h), so
// neither the Node main thread nor a libuv pool thread ever changes namespace. The dumps then run from the libuv
// pool (AsyncWorker) and come back to JS as one buffer of fixed records, without a copy (RecordBuffer).
//
// Where the time goes (30,001 TCP sockets, 2-core VM, kernel 6.18): almost all of it is the kernel's walk of the
// established and bind hash tables plus filling one message per socket, ~0.6-0.8 µs per socket with cold caches.
// The ~116 recv calls (~32 KiB each, netlink's cap per dump batch) and building the records cost well under 1 ms.
#include "sock_diag.h"

#include "netns_thread.h"
#include "system_error.h"

#include <errno.h>
#include <linux/inet_diag.h>
#include <linux/netlink.h>
#include <linux/sock_diag.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdint>
#include <memory>
#include <string>

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

// The census records, appended in place and handed to JS without a copy (an external ArrayBuffer).
// Why not a std::vector copied into a fresh ArrayBuffer: every new 4 KiB page costs a fault, ~10 µs on a VM
// (measured under PVM), so the 1.4 MB of a 30,000-socket census cost ~3.5 ms in faults where it is written and
// as much again where it is copied. Beyond a small first block the records live in a mapping aligned for one
// transparent huge page per 2 MiB (one fault, ~0.1 ms); where THP is off it is an ordinary mapping.
class RecordBuffer {
 public:
  RecordBuffer() = default;
  RecordBuffer(const RecordBuffer&) = delete;
  RecordBuffer& operator=(const RecordBuffer&) = delete;
  ~RecordBuffer() { Free(data_, capacity_); }

  size_t size() const { return size_; }
  void Truncate(size_t size) { size_ = size; }

  // Room for one more record, zeroed; nullptr when memory ran out.
  uint8_t* Append() {
    if (size_ + kCensusRecordSize > capacity_ && !Grow()) return nullptr;
    uint8_t* r = data_ + size_;
    size_ += kCensusRecordSize;
    memset(r, 0, kCensusRecordSize);
    return r;
  }

  // Moves the records into a JS ArrayBuffer; the buffer frees them when the ArrayBuffer is collected. Where the
  // runtime refuses external memory (napi_no_external_buffers_allowed: Electron's V8 sandbox) they are copied.
  Napi::ArrayBuffer Release(Napi::Env env) {
    if (size_ == 0) return Napi::ArrayBuffer::New(env, 0);
    auto* block = new Block{data_, capacity_};
    size_t size = size_;
    data_ = nullptr;
    capacity_ = size_ = 0;
    napi_value value;
    napi_status status = napi_create_external_arraybuffer(env, block->data, size, FinalizeBlock, block, &value);
    if (status == napi_no_external_buffers_allowed) {
      Napi::ArrayBuffer copy = Napi::ArrayBuffer::New(env, size);
      memcpy(copy.Data(), block->data, size);
      Destroy(block);
      return copy;
    }
    if (status != napi_ok) {
      Destroy(block);
      NAPI_THROW(Napi::Error::New(env), Napi::ArrayBuffer());
    }
    // Tell V8 how much memory hides behind the small ArrayBuffer object, so the GC weighs it correctly.
    Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(block->capacity));
    return Napi::ArrayBuffer(env, value);
  }

 private:
  struct Block {
    uint8_t* data;
    size_t capacity;
  };

  static void Destroy(Block* block) {
    Free(block->data, block->capacity);
    delete block;
  }

  static void FinalizeBlock(napi_env env, void*, void* hint) {
    auto* block = static_cast<Block*>(hint);
    Napi::MemoryManagement::AdjustExternalMemory(Napi::Env(env), -static_cast<int64_t>(block->capacity));
    Destroy(block);
  }
  static constexpr size_t kSmall = 64 * 1024;    // a few hundred sockets: plain heap memory
  static constexpr size_t kHuge = 2 * 1024 * 1024;  // the huge page size with 4 KiB pages (x86-64, most arm64)

  static uint8_t* Allocate(size_t capacity) {
    if (capacity <= kSmall) return static_cast<uint8_t*>(malloc(capacity));
    // Map one huge page more than needed and trim, so the block starts on a 2 MiB boundary (THP needs it).
    const size_t span = capacity + kHuge;
    void* p = mmap(nullptr, span, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) return nullptr;
    const uintptr_t start = reinterpret_cast<uintptr_t>(p);
    const uintptr_t aligned = (start + kHuge - 1) & ~(kHuge - 1);
    if (aligned > start) munmap(p, aligned - start);
    if (start + span > aligned + capacity) munmap(reinterpret_cast<void*>(aligned + capacity), start + span - aligned - capacity);
    madvise(reinterpret_cast<void*>(aligned), capacity, MADV_HUGEPAGE);  // a hint; fails harmlessly without THP
    return reinterpret_cast<uint8_t*>(aligned);
  }

  static void Free(uint8_t* data, size_t capacity) {
    if (data == nullptr) return;
    if (capacity <= kSmall) free(data);
    else munmap(data, capacity);
  }

  bool Grow() {
    const size_t capacity = capacity_ == 0 ? kSmall : capacity_ < kHuge ? kHuge : capacity_ * 2;
    uint8_t* data = Allocate(capacity);
    if (data == nullptr) return false;
    if (size_ > 0) memcpy(data, data_, size_);
    Free(data_, capacity_);
    data_ = data;
    capacity_ = capacity;
    return true;
  }

  uint8_t* data_ = nullptr;
  size_t capacity_ = 0;
  size_t size_ = 0;
};

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

// The kernel hands out at most one ~32 KiB batch per recv (netlink caps a dump's skb there, whatever the buffer
// size: measured, a 1 MiB buffer gets the same 116 batches), so 64 KiB always holds one; MSG_TRUNC below would
// report one that did not fit.
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
      failure->Set(EMSGSIZE, "recv", "");
      return false;
    }
    int len = static_cast<int>(n);
    for (nlmsghdr* h = reinterpret_cast<nlmsghdr*>(buf); NLMSG_OK(h, len); h = NLMSG_NEXT(h, len)) {
      if (h->nlmsg_type == NLMSG_DONE) return true;
      if (h->nlmsg_type == NLMSG_ERROR) {
        const nlmsgerr* e = static_cast<const nlmsgerr*>(NLMSG_DATA(h));
        failure->Set(e->error < 0 ? -e->error : EPROTO, "sock_diag", "");
        if (failure->err == ENOENT) failure->remedy = "this kernel lacks the diag module for this protocol (tcp_diag/udp_diag)";
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

// TCP of both families in ONE dump. Why: every dump walks the kernel's whole established and bind hash tables
// (shared by all namespaces); that walk, not our sockets, dominates the cost (measured: ~40 % of the TCP census
// CPU saved). inet_diag_req_v2 must name one family, but the kernel's compatibility request TCPDIAG_GETSOCK
// (struct inet_diag_req, same reply format) is served with AF_UNSPEC, i.e. both families in one walk. Same
// NETLINK_SOCK_DIAG socket, same states; the caller falls back to two v2 dumps if a kernel refuses it.
bool DumpTcpBothFamilies(int fd, RecordBuffer* out, uint8_t* buf, OsFailure* failure) {
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
    // The dumps run one after the other on one socket. Two threads splitting the TCP dump (complementary port
    // bytecode filters, or listen/bound vs the rest) measured no faster on 2 cores (-7 % to +25 %): each thread
    // still walks the whole hash tables, and both take the same bucket locks and socket refcounts.
    std::unique_ptr<uint8_t[]> buf(new uint8_t[kRecvSize]);
    bool tcp_done = false;
    if (request_.tcp && request_.v4 && request_.v6) {
      size_t mark = records_.size();
      OsFailure compat;
      tcp_done = DumpTcpBothFamilies(fd, &records_, buf.get(), &compat);
      if (!tcp_done) {
        records_.Truncate(mark);
        // The kernel answered with an error message (the dump is over): redo TCP with two v2 dumps. Any other
        // failure (send/recv) may leave a dump half-read on the socket, so it is reported instead.
        if (compat.syscall != "sock_diag") failure_ = compat;
      }
    }
    const uint8_t families[] = {AF_INET, AF_INET6};
    const bool want_family[] = {request_.v4, request_.v6};
    for (int f = 0; f < 2 && !failure_.failed(); f++) {
      if (request_.tcp && !tcp_done && want_family[f]) DumpFamily(fd, families[f], IPPROTO_TCP, &records_, buf.get(), &failure_);
    }
    for (int f = 0; f < 2 && !failure_.failed(); f++) {
      if (request_.udp && want_family[f]) DumpFamily(fd, families[f], IPPROTO_UDP, &records_, buf.get(), &failure_);
    }
    close(fd);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.failed()) {
      deferred_.Reject(SystemError(env, failure_).Value());
      return;
    }
    deferred_.Resolve(records_.Release(env));
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  CensusRequest request_;
  Napi::Promise::Deferred deferred_;
  OsFailure failure_;
  RecordBuffer records_;
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
