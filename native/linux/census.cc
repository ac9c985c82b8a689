// The census export: one NETLINK_SOCK_DIAG census (sock_diag.h) in the caller's or a given network namespace,
// resolved with one buffer of records.
//
// Why a dedicated thread for namespaces: a netlink socket belongs to the network namespace of the thread that
// created it. We create it on a short-lived thread that setns()s first (RunInNetns, netns_thread.h), so neither
// the Node main thread nor a libuv pool thread ever changes namespace. The dump then runs from the libuv pool
// (AsyncWorker) and comes back to JS as one buffer of fixed records, without a copy.
#include "census.h"

#include <string.h>
#include <unistd.h>

#include <string>

#include "census_records.h"
#include "netns_thread.h"
#include "sock_diag.h"
#include "system_error.h"

namespace ephemeral_ports {
namespace {

struct CensusRequest {
  std::string netns;  // empty: the caller's namespace
  CensusSelection what;
};

// The whole census into `out`; false with `failure` set.
bool RunCensus(const CensusRequest& request, RecordBuffer* out, OsFailure* failure) {
  int fd = -1;
  auto open = [&fd](OsFailure* f) { return (fd = OpenDiagSocket(f)) >= 0; };
  if (!(request.netns.empty() ? open(failure) : RunInNetns(request.netns, open, failure))) {
    if (fd >= 0) close(fd);
    return false;
  }
  const bool ok = SockDiagCensus(fd, request.what, out, failure);
  close(fd);
  return ok;
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

  void Execute() override { RunCensus(request_, &records_, &failure_); }

  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.failed()) {
      deferred_.Reject(SystemError(env, failure_).Value());
      return;
    }
    deferred_.Resolve(ToArrayBuffer(env, &records_));
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

// The JS side validates first; this guards the addon against direct callers, with Node's codes.
void Fail(Napi::Env env, const char* code, const std::string& message) {
  Napi::Error error = Napi::TypeError::New(env, "census: " + message);
  error.Set("code", Napi::String::New(env, code));
  error.ThrowAsJavaScriptException();
}

// census(options?) -> Promise<ArrayBuffer>; see census.h.
Napi::Value Census(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  CensusRequest request;
  if (info.Length() > 0 && !info[0].IsUndefined()) {
    if (!info[0].IsObject()) {
      Fail(env, "ERR_INVALID_ARG_TYPE", "options must be an object");
      return env.Undefined();
    }
    Napi::Object o = info[0].As<Napi::Object>();
    Napi::Value ns = o.Get("netns");
    if (ns.IsString()) {
      request.netns = ns.As<Napi::String>().Utf8Value();
    } else if (!ns.IsUndefined() && !ns.IsNull()) {
      Fail(env, "ERR_INVALID_ARG_TYPE", "netns must be a path string");
      return env.Undefined();
    }
    request.what.tcp = FlagOr(o, "tcp", true);
    request.what.udp = FlagOr(o, "udp", true);
    request.what.v4 = FlagOr(o, "v4", true);
    request.what.v6 = FlagOr(o, "v6", true);
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
