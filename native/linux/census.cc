// The census exports: the same request answered by the BPF iterators (bpf_iter.h) or by NETLINK_SOCK_DIAG
// (sock_diag.h), in the caller's or a given network namespace, resolved with one buffer of records.
//
// Why a dedicated thread for namespaces: a netlink socket and a BPF iterator belong to the network namespace of
// the thread that created them. We create them on a short-lived thread that setns()s first (RunInNetns,
// netns_thread.h), so neither the Node main thread nor a libuv pool thread ever changes namespace. The reading
// then runs from the libuv pool (AsyncWorker) and comes back to JS as one buffer of fixed records, without a copy.
#include "census.h"

#include <unistd.h>

#include <string>
#include <system_error>
#include <thread>

#include "bpf_iter.h"
#include "census_records.h"
#include "netns_thread.h"
#include "sock_diag.h"
#include "system_error.h"

namespace ephemeral_ports {
namespace {

enum class Method { kSockDiag, kBpfIter };

struct CensusRequest {
  Method method = Method::kSockDiag;
  std::string netns;
  CensusSelection what;
  bool inodes = true;  // BPF only: sock_diag always reports inodes
};

// Runs `open` in the requested namespace: here, or on a thread inside it.
bool InNamespace(const std::string& netns, const std::function<bool(OsFailure*)>& open, OsFailure* failure) {
  return netns.empty() ? open(failure) : RunInNetns(netns, open, failure);
}

void CloseAll(std::initializer_list<int> fds) {
  for (int fd : fds) {
    if (fd >= 0) close(fd);
  }
}

bool RunSockDiag(const CensusRequest& request, RecordBuffer* out, OsFailure* failure) {
  int fd = -1;
  if (!InNamespace(request.netns, [&fd](OsFailure* f) { return (fd = OpenDiagSocket(f)) >= 0; }, failure)) return false;
  const bool ok = SockDiagCensus(fd, request.what, out, failure);
  close(fd);
  return ok;
}

// The iterators list listening, connected, TIME_WAIT and request sockets; TCP sockets that are only bound come
// from a sock_diag dump that runs on a second thread meanwhile: it walks the bind table while the iterator walks
// the established table, so on 2+ cores the census takes as long as the longer walk, not the sum.
bool RunBpfIter(const CensusRequest& request, RecordBuffer* out, OsFailure* failure) {
  const CensusSelection& what = request.what;
  if (what.tcp && !PrepareBpfIterator(IterProtocol::kTcp, request.inodes, failure)) return false;
  if (what.udp && !PrepareBpfIterator(IterProtocol::kUdp, request.inodes, failure)) return false;
  int tcp = -1, udp = -1, diag = -1;
  const bool opened = InNamespace(
      request.netns,
      [&](OsFailure* f) {
        return (!what.tcp || (tcp = CreateBpfIterator(IterProtocol::kTcp, request.inodes, f)) >= 0) &&
               (!what.udp || (udp = CreateBpfIterator(IterProtocol::kUdp, request.inodes, f)) >= 0) &&
               (!what.tcp || (diag = OpenDiagSocket(f)) >= 0);
      },
      failure);
  if (!opened) {
    CloseAll({tcp, udp, diag});
    return false;
  }
  RecordBuffer bound;
  OsFailure bound_failure;
  std::thread bound_dump;
  if (diag >= 0) {
    try {
      bound_dump = std::thread([&] { SockDiagBoundInactive(diag, &bound, &bound_failure); });
    } catch (const std::system_error& e) {
      bound_failure.Set(e.code().value(), "pthread_create", "");
    }
  }
  bool ok = tcp < 0 || ReadBpfIterator(tcp, out, failure);
  if (udp >= 0) ok = (ok ? ReadBpfIterator(udp, out, failure) : (close(udp), false));
  if (bound_dump.joinable()) bound_dump.join();
  CloseAll({diag});
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
  if (!what.v4 || !what.v6) out->Filter([&what](const uint8_t* r) { return r[kRecFamily] == 4 ? what.v4 : what.v6; });
  return true;
}

class CensusWorker : public Napi::AsyncWorker {
 public:
  CensusWorker(Napi::Env env, CensusRequest request)
      : Napi::AsyncWorker(env), request_(std::move(request)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    if (request_.method == Method::kBpfIter) RunBpfIter(request_, &records_, &failure_);
    else RunSockDiag(request_, &records_, &failure_);
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.failed()) deferred_.Reject(SystemError(env, failure_).Value());
    else deferred_.Resolve(records_.Release(env));
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

// `name(options?)`: options { netns?: string, tcp, udp, v4, v6, inodes?: boolean } -> Promise<ArrayBuffer>.
Napi::Value StartCensus(const Napi::CallbackInfo& info, Method method, const char* name) {
  Napi::Env env = info.Env();
  CensusRequest request;
  request.method = method;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsObject()) {
      Napi::TypeError::New(env, std::string(name) + ": options must be an object").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Value ns = o.Get("netns");
    if (ns.IsString()) {
      request.netns = ns.As<Napi::String>().Utf8Value();
    } else if (!ns.IsUndefined() && !ns.IsNull()) {
      Napi::TypeError::New(env, std::string(name) + ": netns must be a path string").ThrowAsJavaScriptException();
      return env.Undefined();
    }
    request.what.tcp = FlagOr(o, "tcp", true);
    request.what.udp = FlagOr(o, "udp", true);
    request.what.v4 = FlagOr(o, "v4", true);
    request.what.v6 = FlagOr(o, "v6", true);
    request.inodes = FlagOr(o, "inodes", true);
  }
  CensusWorker* worker = new CensusWorker(env, std::move(request));
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

Napi::Value SockDiagCensusJs(const Napi::CallbackInfo& info) { return StartCensus(info, Method::kSockDiag, "sockDiagCensus"); }
Napi::Value BpfIterCensusJs(const Napi::CallbackInfo& info) { return StartCensus(info, Method::kBpfIter, "bpfIterCensus"); }

}  // namespace

void RegisterCensus(Napi::Env env, Napi::Object exports) {
  exports.Set("sockDiagCensus", Napi::Function::New(env, SockDiagCensusJs, "sockDiagCensus"));
  exports.Set("bpfIterCensus", Napi::Function::New(env, BpfIterCensusJs, "bpfIterCensus"));
  exports.Set("censusRecordSize", Napi::Number::New(env, static_cast<double>(kCensusRecordSize)));
}

}  // namespace ephemeral_ports
