// Reads DynamicPortRangeStartPort / DynamicPortRangeNumberOfPorts of every MSFT_NetTCPSetting or
// MSFT_NetUDPSetting instance in WMI namespace root/StandardCimv2 (documented; no process spawned).
// Runs on a libuv worker thread: COM is initialised there as MTA, and security is set per proxy with
// CoSetProxyBlanket instead of the process-wide CoInitializeSecurity, which belongs to the host application.
#include "win_common.h"

#include <wbemidl.h>

#include <vector>

namespace ep_win32 {
namespace {

template <typename T>
struct ComPtr {
  T* p = nullptr;
  ~ComPtr() {
    if (p) p->Release();
  }
  T** operator&() { return &p; }
  T* operator->() const { return p; }
};

struct Instance {
  std::wstring settingName;
  uint32_t start;
  uint32_t count;
};

struct Failure {
  HRESULT hr;
  const char* call;
};

// Reads one uint16 property. S_FALSE: the property is NULL — the "Automatic" template of Windows 10+ leaves its
// port range empty — so the caller skips that instance instead of failing the whole read.
HRESULT ReadUint(IWbemClassObject* obj, const wchar_t* name, uint32_t* out) {
  VARIANT v;
  VariantInit(&v);
  HRESULT hr = obj->Get(name, 0, &v, nullptr, nullptr);
  if (FAILED(hr)) return hr;
  // uint16 CIM properties arrive as VT_I4 (WMI's documented mapping); accept the other integer shapes too.
  switch (v.vt) {
    case VT_NULL:
    case VT_EMPTY: hr = S_FALSE; break;
    case VT_I4: *out = static_cast<uint32_t>(v.lVal); break;
    case VT_UI2: *out = v.uiVal; break;
    case VT_I2: *out = static_cast<uint16_t>(v.iVal); break;
    case VT_UI4: *out = v.ulVal; break;
    default: hr = static_cast<HRESULT>(0x80041002u);  // WBEM_E_NOT_FOUND
  }
  VariantClear(&v);
  return hr;
}

class QueryWorker : public Napi::AsyncWorker {
 public:
  QueryWorker(Napi::Env env, bool udp)
      : Napi::AsyncWorker(env), deferred_(Napi::Promise::Deferred::New(env)), udp_(udp) {}

  Napi::Promise Promise() { return deferred_.Promise(); }

 protected:
  void Execute() override {
    const HRESULT init = CoInitializeEx(nullptr, COINIT_MULTITHREADED);
    // S_FALSE: already initialised on this thread (must still be balanced). RPC_E_CHANGED_MODE: an STA thread;
    // usable, but not ours to uninitialise.
    const bool balance = SUCCEEDED(init);
    if (FAILED(init) && init != RPC_E_CHANGED_MODE) {
      Fail(init, "CoInitializeEx");
    } else {
      Query();
    }
    if (balance) CoUninitialize();
  }

  void OnOK() override {
    Napi::Env env = Env();
    Napi::Array rows = Napi::Array::New(env, instances_.size());
    for (size_t i = 0; i < instances_.size(); ++i) {
      Napi::Object row = Napi::Object::New(env);
      row.Set("settingName", Napi::String::New(env, reinterpret_cast<const char16_t*>(
                                                        instances_[i].settingName.c_str())));
      row.Set("start", instances_[i].start);
      row.Set("count", instances_[i].count);
      rows.Set(static_cast<uint32_t>(i), row);
    }
    deferred_.Resolve(rows);
  }

  void OnError(const Napi::Error&) override {
    Napi::HandleScope scope(Env());
    deferred_.Reject(MakeError(Env(), static_cast<uint32_t>(failure_.hr), failure_.call, true).Value());
  }

 private:
  void Fail(HRESULT hr, const char* call) {
    failure_ = {hr, call};
    SetError(call);
  }

  void Query() {
    ComPtr<IWbemLocator> locator;
    HRESULT hr = CoCreateInstance(CLSID_WbemLocator, nullptr, CLSCTX_INPROC_SERVER, IID_IWbemLocator,
                                  reinterpret_cast<void**>(&locator));
    if (FAILED(hr)) return Fail(hr, "CoCreateInstance(WbemLocator)");

    ComPtr<IWbemServices> services;
    BSTR ns = SysAllocString(L"ROOT\\StandardCimv2");
    hr = locator->ConnectServer(ns, nullptr, nullptr, nullptr, 0, nullptr, nullptr, &services);
    SysFreeString(ns);
    if (FAILED(hr)) return Fail(hr, "IWbemLocator::ConnectServer(ROOT\\StandardCimv2)");

    hr = CoSetProxyBlanket(services.p, RPC_C_AUTHN_WINNT, RPC_C_AUTHZ_NONE, nullptr, RPC_C_AUTHN_LEVEL_CALL,
                           RPC_C_IMP_LEVEL_IMPERSONATE, nullptr, EOAC_NONE);
    if (FAILED(hr)) return Fail(hr, "CoSetProxyBlanket");

    const wchar_t* text =
        udp_ ? L"SELECT SettingName,DynamicPortRangeStartPort,DynamicPortRangeNumberOfPorts FROM MSFT_NetUDPSetting"
             : L"SELECT SettingName,DynamicPortRangeStartPort,DynamicPortRangeNumberOfPorts FROM MSFT_NetTCPSetting";
    const char* call = udp_ ? "IWbemServices::ExecQuery(MSFT_NetUDPSetting)"
                            : "IWbemServices::ExecQuery(MSFT_NetTCPSetting)";
    BSTR language = SysAllocString(L"WQL");
    BSTR query = SysAllocString(text);
    ComPtr<IEnumWbemClassObject> rows;
    hr = services->ExecQuery(language, query, WBEM_FLAG_FORWARD_ONLY | WBEM_FLAG_RETURN_IMMEDIATELY, nullptr,
                             &rows);
    SysFreeString(language);
    SysFreeString(query);
    if (FAILED(hr)) return Fail(hr, call);

    for (;;) {
      ComPtr<IWbemClassObject> obj;
      ULONG got = 0;
      hr = rows->Next(WBEM_INFINITE, 1, &obj, &got);
      if (FAILED(hr)) return Fail(hr, "IEnumWbemClassObject::Next");
      if (got == 0) break;
      Instance inst{L"", 0, 0};
      VARIANT name;
      VariantInit(&name);
      if (SUCCEEDED(obj->Get(L"SettingName", 0, &name, nullptr, nullptr)) && name.vt == VT_BSTR && name.bstrVal)
        inst.settingName = name.bstrVal;
      VariantClear(&name);
      hr = ReadUint(obj.p, L"DynamicPortRangeStartPort", &inst.start);
      if (FAILED(hr)) return Fail(hr, "IWbemClassObject::Get(DynamicPortRangeStartPort)");
      const bool startSet = hr == S_OK;
      hr = ReadUint(obj.p, L"DynamicPortRangeNumberOfPorts", &inst.count);
      if (FAILED(hr)) return Fail(hr, "IWbemClassObject::Get(DynamicPortRangeNumberOfPorts)");
      if (startSet && hr == S_OK) instances_.push_back(inst);
    }
    // A class with no instance holding a range is as unusable as a missing class; say so with its own name.
    if (instances_.empty()) Fail(static_cast<HRESULT>(0x80041002u), call);  // WBEM_E_NOT_FOUND
  }

  Napi::Promise::Deferred deferred_;
  bool udp_;
  std::vector<Instance> instances_;
  Failure failure_{S_OK, ""};
};

}  // namespace

// queryDynamicPortRange(protocol: 'tcp' | 'udp'): Promise<{ settingName, start, count }[]>
Napi::Value QueryDynamicPortRange(const Napi::CallbackInfo& info) {
  Napi::Env env = info.Env();
  if (info.Length() < 1 || !info[0].IsString()) throw Napi::TypeError::New(env, "protocol must be tcp or udp");
  const std::string protocol = info[0].As<Napi::String>().Utf8Value();
  if (protocol != "tcp" && protocol != "udp") throw Napi::TypeError::New(env, "protocol must be tcp or udp");
  auto* worker = new QueryWorker(env, protocol == "udp");
  Napi::Promise promise = worker->Promise();
  worker->Queue();
  return promise;
}

}  // namespace ep_win32
