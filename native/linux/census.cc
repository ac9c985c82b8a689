// The census export: one request answered by the BPF iterators (bpf_iter.h) or by NETLINK_SOCK_DIAG (sock_diag.h),
// in the caller's or a given network namespace, resolved with one buffer of records and the method used.
//
// Why a dedicated thread for namespaces: a netlink socket and a BPF iterator belong to the network namespace of
// the thread that created them. We create them on a short-lived thread that setns()s first (RunInNetns,
// netns_thread.h), so neither the Node main thread nor a libuv pool thread ever changes namespace. The reading
// then runs from the libuv pool (AsyncWorker) and comes back to JS as one buffer of fixed records, without a copy.
#include "census.h"

#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <functional>
#include <optional>
#include <string>

#include "bpf_iter.h"
#include "bpf_walk.h"
#include "census_records.h"
#include "netns_thread.h"
#include "parked_thread.h"
#include "sock_diag.h"
#include "system_error.h"

namespace ephemeral_ports {
namespace {

enum class Method { kAuto, kBpfIter, kSockDiag };

struct CensusRequest {
  Method method = Method::kAuto;
  std::string netns;
  CensusSelection what;
  bool inodes = true;            // BPF only: sock_diag always reports inodes
  bool walk = true;              // BPF: TCP by the hash-table walk where possible (false: the iterator)
  double bpf_min_sockets = 0;    // auto: take the BPF method from this many sockets on
};

// Sockets the kernel counts in the calling thread's namespace for the selected protocols (/proc/net/sockstat and
// sockstat6: TCP hashed + TIME_WAIT, UDP bound), or -1 when unreadable. Costs ~30 µs; it decides whether the BPF
// iterators pay for their fixed cost (walking the whole hash tables, the bound-only dump, the first program load).
double CountSockets(const CensusSelection& what) {
  double total = -1;
  for (const char* path : {"/proc/thread-self/net/sockstat", "/proc/thread-self/net/sockstat6"}) {
    FILE* f = fopen(path, "re");
    if (f == nullptr) continue;  // sockstat6 is absent without IPv6
    if (total < 0) total = 0;
    char line[256];
    while (fgets(line, sizeof(line), f) != nullptr) {
      unsigned long inuse = 0, orphan = 0, tw = 0;
      if (what.tcp && (sscanf(line, "TCP: inuse %lu orphan %lu tw %lu", &inuse, &orphan, &tw) == 3 ||
                       sscanf(line, "TCP6: inuse %lu", &inuse) == 1)) {
        total += static_cast<double>(inuse + tw);
      } else if (what.udp && (sscanf(line, "UDP: inuse %lu", &inuse) == 1 || sscanf(line, "UDP6: inuse %lu", &inuse) == 1)) {
        total += static_cast<double>(inuse);
      }
    }
    fclose(f);
  }
  return total;
}

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
}

// The descriptors a census reads, created in the requested namespace (they keep it however they are read later),
// or the TCP records themselves when the hash-table walk (which reads the namespace of the thread running it)
// already ran there.
struct Opened {
  Method method = Method::kSockDiag;  // what will run: kBpfIter or kSockDiag
  bool tcp_walked = false;            // BPF: TCP came from the hash-table walk, into `walked`
  RecordBuffer walked;
  int tcp_iter = -1, udp_iter = -1, diag = -1;
  ~Opened() { CloseAll({tcp_iter, udp_iter, diag}); }
};

// The BPF method: TCP by the hash-table walk where the kernel allows it, else by the iterator (with the bound-only
// dump beside it, see ReadBpf); UDP by its iterator. False with `failure` set.
bool OpenBpf(const CensusRequest& request, double sockets, Opened* o, OsFailure* failure) {
  const CensusSelection& what = request.what;
  if (what.tcp && request.walk) {
    OsFailure walk_failure;
    o->tcp_walked = WalkTcpTables(request.inodes, sockets > 0 ? static_cast<size_t>(sockets) : 0, &o->walked, &walk_failure);
    if (!o->tcp_walked) o->walked.Truncate(0);
  }
  return (!what.tcp || o->tcp_walked || (o->tcp_iter = OpenBpfIterator(IterProtocol::kTcp, request.inodes, failure)) >= 0) &&
         (!what.udp || (o->udp_iter = OpenBpfIterator(IterProtocol::kUdp, request.inodes, failure)) >= 0);
}

// Runs in the requested namespace: picks the method (auto) and opens what it reads.
bool OpenIn(const CensusRequest& request, Opened* o, OsFailure* failure) {
  // auto without a readable sockstat (-1) takes sock_diag, which is never the slow choice by much.
  const double sockets = CountSockets(request.what);
  const bool bpf = request.method == Method::kBpfIter || (request.method == Method::kAuto && sockets >= request.bpf_min_sockets);
  if (bpf) {
    OsFailure bpf_failure;
    if (OpenBpf(request, sockets, o, &bpf_failure)) {
      o->method = Method::kBpfIter;
    } else if (request.method == Method::kBpfIter) {
      *failure = bpf_failure;
      return false;
    } else {  // auto, without privilege or BTF: sock_diag lists the same sockets
      CloseAll({o->tcp_iter, o->udp_iter});
      o->tcp_iter = o->udp_iter = -1;
      o->tcp_walked = false;
      o->walked.Truncate(0);
    }
  }
  // sock_diag: the whole census, or beside the TCP iterator the TCP sockets that are only bound.
  if (o->method == Method::kSockDiag || (request.what.tcp && !o->tcp_walked)) return (o->diag = OpenDiagSocket(failure)) >= 0;
  return true;
}

// TCP from the walk (already in `o->walked`), or from the iterator: it lists listening, connected, TIME_WAIT and
// request sockets, and TCP sockets that are only bound come from a sock_diag dump on a second (parked) thread
// meanwhile, which walks the bind table while the iterator walks the established table (on 2+ cores the census
// takes as long as the longer walk, not the sum). UDP from its iterator.
bool ReadBpf(const CensusRequest& request, Opened* o, RecordBuffer* out, OsFailure* failure) {
  RecordBuffer bound;
  OsFailure bound_failure;
  if (!out->Take(&o->walked)) {
    failure->Set(ENOMEM, "mmap", "");
    return false;
  }
  bool ok;
  {
    std::optional<Beside> dump;
    if (o->diag >= 0) dump.emplace([&] { SockDiagBoundInactive(o->diag, &bound, &bound_failure); });
    ok = (o->tcp_iter < 0 || ReadBpfIterator(o->tcp_iter, out, failure)) &&
         (o->udp_iter < 0 || ReadBpfIterator(o->udp_iter, out, failure));
  }  // the dump has finished
  if (!ok) return false;
  if (bound_failure.failed()) {
    *failure = bound_failure;
    return false;
  }
  if (!out->AppendAll(bound)) {
    failure->Set(ENOMEM, "mmap", "");
    return false;
  }
  // The iterators list both families; keep the ones asked for.
  const CensusSelection& what = request.what;
  if (!what.v4 || !what.v6) out->Filter([&what](const uint8_t* r) { return r[kRecFamily] == 4 ? what.v4 : what.v6; });
  return true;
}

// The whole census; `*used` says which method ran, `*walked` whether TCP came from the hash-table walk.
bool RunCensus(const CensusRequest& request, RecordBuffer* out, OsFailure* failure, Method* used, bool* walked) {
  Opened o;
  auto open = [&](OsFailure* f) { return OpenIn(request, &o, f); };
  if (!(request.netns.empty() ? open(failure) : RunInNetns(request.netns, open, failure))) return false;
  *used = o.method;
  *walked = o.tcp_walked;
  if (o.method == Method::kBpfIter) return ReadBpf(request, &o, out, failure);
  return SockDiagCensus(o.diag, request.what, out, failure);
}

// The records as a JS ArrayBuffer over the same memory, freed when the ArrayBuffer is collected. Where the runtime
// refuses external memory (napi_no_external_buffers_allowed: Electron's V8 sandbox) they are copied.
struct RecordBlock {
  uint8_t* data;
  size_t capacity;
};

void FinalizeRecords(napi_env env, void*, void* hint) {
  auto* block = static_cast<RecordBlock*>(hint);
  Napi::MemoryManagement::AdjustExternalMemory(Napi::Env(env), -static_cast<int64_t>(block->capacity));
  RecordBuffer::Free(block->data, block->capacity);
  delete block;
}

Napi::ArrayBuffer ToArrayBuffer(Napi::Env env, RecordBuffer* records) {
  if (records->size() == 0) return Napi::ArrayBuffer::New(env, 0);
  auto* block = new RecordBlock{};
  size_t size;
  records->Detach(&block->data, &block->capacity, &size);
  napi_value value;
  napi_status status = napi_create_external_arraybuffer(env, block->data, size, FinalizeRecords, block, &value);
  if (status != napi_ok) {
    Napi::ArrayBuffer copy;
    if (status == napi_no_external_buffers_allowed) {
      copy = Napi::ArrayBuffer::New(env, size);
      memcpy(copy.Data(), block->data, size);
    }
    RecordBuffer::Free(block->data, block->capacity);
    delete block;
    if (copy.IsEmpty()) NAPI_THROW(Napi::Error::New(env), Napi::ArrayBuffer());
    return copy;
  }
  // Tell V8 how much memory hides behind the small ArrayBuffer object, so the GC weighs it correctly.
  Napi::MemoryManagement::AdjustExternalMemory(env, static_cast<int64_t>(block->capacity));
  return Napi::ArrayBuffer(env, value);
}

class CensusWorker : public Napi::AsyncWorker {
 public:
  CensusWorker(Napi::Env env, CensusRequest request)
      : Napi::AsyncWorker(env), request_(std::move(request)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override { RunCensus(request_, &records_, &failure_, &used_, &walked_); }

  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.failed()) {
      deferred_.Reject(SystemError(env, failure_).Value());
      return;
    }
    Napi::Object result = Napi::Object::New(env);
    result.Set("records", ToArrayBuffer(env, &records_));
    result.Set("method", Napi::String::New(env, used_ == Method::kBpfIter ? "bpf" : "netlink"));
    result.Set("walked", Napi::Boolean::New(env, walked_));
    deferred_.Resolve(result);
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  CensusRequest request_;
  Napi::Promise::Deferred deferred_;
  OsFailure failure_;
  Method used_ = Method::kSockDiag;
  bool walked_ = false;
  RecordBuffer records_;
};

bool FlagOr(const Napi::Object& o, const char* key, bool fallback) {
  Napi::Value v = o.Get(key);
  return v.IsBoolean() ? v.As<Napi::Boolean>().Value() : fallback;
}

void Fail(Napi::Env env, const std::string& message) { Napi::TypeError::New(env, "census: " + message).ThrowAsJavaScriptException(); }

// census(options?) -> Promise<{ records, method }>; see census.h.
Napi::Value Census(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CensusRequest request;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsObject()) {
      Fail(env, "options must be an object");
      return env.Undefined();
    }
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Value ns = o.Get("netns");
    if (ns.IsString()) {
      request.netns = ns.As<Napi::String>().Utf8Value();
    } else if (!ns.IsUndefined() && !ns.IsNull()) {
      Fail(env, "netns must be a path string");
      return env.Undefined();
    }
    Napi::Value method = o.Get("method");
    const std::string name = method.IsString() ? method.As<Napi::String>().Utf8Value() : "auto";
    if (name == "bpf") request.method = Method::kBpfIter;
    else if (name == "netlink") request.method = Method::kSockDiag;
    else if (name != "auto") {
      Fail(env, "method must be auto, bpf or netlink");
      return env.Undefined();
    }
    request.what.tcp = FlagOr(o, "tcp", true);
    request.what.udp = FlagOr(o, "udp", true);
    request.what.v4 = FlagOr(o, "v4", true);
    request.what.v6 = FlagOr(o, "v6", true);
    request.inodes = FlagOr(o, "inodes", true);
    request.walk = FlagOr(o, "walk", true);
    Napi::Value min = o.Get("bpfMinSockets");
    if (min.IsNumber()) request.bpf_min_sockets = min.As<Napi::Number>().DoubleValue();
  }
  CensusWorker* worker = new CensusWorker(env, std::move(request));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace

void RegisterCensus(Napi::Env env, Napi::Object exports) {
  exports.Set("census", Napi::Function::New(env, Census, "census"));
  exports.Set("censusRecordSize", Napi::Number::New(env, static_cast<double>(kCensusRecordSize)));
}

}  // namespace ephemeral_ports
