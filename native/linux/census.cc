// The census export: one NETLINK_SOCK_DIAG census (sock_diag.h) in the caller's or a given network namespace,
// resolved with one buffer of records.
//
// Why a dedicated thread for namespaces: a netlink socket belongs to the network namespace of the thread that
// created it. We create it on a short-lived thread that setns()s first (RunInNetns, netns_thread.h), so neither
// the Node main thread nor a libuv pool thread ever changes namespace. The dump then runs from the libuv pool
// (AsyncWorker) and comes back to JS as one buffer of fixed records, without a copy.
#include "census.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include <memory>
#include <new>
#include <string>

#include "census_aggregate.h"
#include "census_owners.h"
#include "census_records.h"
#include "netns_thread.h"
#include "sock_diag.h"
#include "system_error.h"

namespace ephemeral_ports {
namespace {

struct CensusRequest {
  std::string netns;  // empty: the caller's namespace
  CensusSelection what;
  bool aggregate = false;  // also count for the reports (census_aggregate.h)
  bool owners = false;     // also find and count the owning processes (census_owners.h)
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

// A typed array holding a copy of `values` (counts and per-connection arrays: small beside the records).
template <typename T, typename Array>
Array CopyOut(Napi::Env env, const std::vector<T>& values) {
  Napi::ArrayBuffer buffer = Napi::ArrayBuffer::New(env, values.size() * sizeof(T));
  if (!values.empty()) memcpy(buffer.Data(), values.data(), values.size() * sizeof(T));
  return Array::New(env, values.size(), buffer, 0);
}

// { pids, commands, counts, recordOwner }; typed in packages/linux/src/census/native-census.ts.
Napi::Object ToOwnersObject(Napi::Env env, const CensusOwners& owners) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("pids", CopyOut<uint32_t, Napi::Uint32Array>(env, owners.pids));
  Napi::Array commands = Napi::Array::New(env, owners.commands.size());
  for (size_t i = 0; i < owners.commands.size(); i++) commands.Set(static_cast<uint32_t>(i), Napi::String::New(env, owners.commands[i]));
  o.Set("commands", commands);
  o.Set("counts", CopyOut<uint32_t, Napi::Uint32Array>(env, owners.counts));
  o.Set("recordOwner", CopyOut<uint32_t, Napi::Uint32Array>(env, owners.record_owner));
  return o;
}

// { records, states, stateOrder, ports, bound, boundRecord, destinations, connectionDestination, connectionPort,
//   connectionTimeWait, owners? }, or { records, owners } without `aggregate`; typed in
// packages/linux/src/census/native-census.ts.
Napi::Object ToResultObject(Napi::Env env, RecordBuffer* records, CensusAggregate* aggregate, const CensusOwners* owners) {
  Napi::Object o = Napi::Object::New(env);
  o.Set("records", ToArrayBuffer(env, records));
  if (owners != nullptr) o.Set("owners", ToOwnersObject(env, *owners));
  if (aggregate == nullptr) return o;
  o.Set("boundRecord", CopyOut<uint32_t, Napi::Uint32Array>(env, aggregate->bound_record));
  o.Set("states", CopyOut<uint32_t, Napi::Uint32Array>(env, aggregate->states));
  o.Set("stateOrder", CopyOut<uint16_t, Napi::Uint16Array>(env, aggregate->state_order));
  o.Set("ports", ToArrayBuffer(env, &aggregate->ports));
  o.Set("bound", ToArrayBuffer(env, &aggregate->bound));
  o.Set("destinations", ToArrayBuffer(env, &aggregate->destinations));
  o.Set("connectionDestination", CopyOut<uint32_t, Napi::Uint32Array>(env, aggregate->connection_destination));
  o.Set("connectionPort", CopyOut<uint16_t, Napi::Uint16Array>(env, aggregate->connection_port));
  o.Set("connectionTimeWait", CopyOut<uint8_t, Napi::Uint8Array>(env, aggregate->connection_time_wait));
  return o;
}

class CensusWorker : public Napi::AsyncWorker {
 public:
  CensusWorker(Napi::Env env, CensusRequest request)
      : Napi::AsyncWorker(env), request_(std::move(request)), deferred_(Napi::Promise::Deferred::New(env)) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

  void Execute() override {
    if (!RunCensus(request_, &records_, &failure_)) return;
    const size_t count = records_.size() / kCensusRecordSize;
    bool counted = true;
    try {
      if (request_.aggregate) {
        aggregate_.reset(new CensusAggregate());
        counted = AggregateRecords(records_.data(), count, aggregate_.get());
      }
      if (counted && request_.owners) {
        owners_.reset(new CensusOwners());
        counted = FindOwners(records_.data(), count, "/proc", owners_.get());
      }
    } catch (const std::bad_alloc&) {
      counted = false;
    }
    if (!counted) failure_.Set(ENOMEM, "malloc", "");
  }

  void OnOK() override {
    Napi::Env env = Env();
    if (failure_.failed()) {
      deferred_.Reject(SystemError(env, failure_).Value());
      return;
    }
    if (aggregate_ || owners_) deferred_.Resolve(ToResultObject(env, &records_, aggregate_.get(), owners_.get()));
    else deferred_.Resolve(ToArrayBuffer(env, &records_));
  }

  void OnError(const Napi::Error& error) override { deferred_.Reject(error.Value()); }

 private:
  CensusRequest request_;
  Napi::Promise::Deferred deferred_;
  OsFailure failure_;
  RecordBuffer records_;
  std::unique_ptr<CensusAggregate> aggregate_;
  std::unique_ptr<CensusOwners> owners_;
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
    request.aggregate = FlagOr(o, "aggregate", false);
    request.owners = FlagOr(o, "owners", false);
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
