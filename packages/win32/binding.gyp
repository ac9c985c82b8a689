# The Windows addon, built with node-gyp + MSVC on Windows. The C++ lives in the repo's top-level native/; npm pack
# copies it into ./native/, which is used when present (a tarball), else the repo's ../../native. Elsewhere, scripts/windows/cross-build.sh builds the same sources with mingw-w64 into
# prebuilds/win32-x64/, which is what the published package ships and node-gyp-build loads.
{
  "variables": {
    "native_root": "<!(node -p \"require('fs').existsSync('native') ? 'native' : '../../native'\")"
  },
  "targets": [
    {
      "target_name": "ephemeral_ports_win32",
      "conditions": [
        ["OS=='win'", {
          "sources": [
            "<(native_root)/win32/addon.cc",
            "<(native_root)/win32/win_error.cc",
            "<(native_root)/win32/socket_tables.cc",
            "<(native_root)/win32/port_reservations.cc",
            "<(native_root)/win32/wmi_port_range.cc"
          ],
          "include_dirs": ["<(native_root)/win32"],
          "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
          "defines": ["NAPI_VERSION=8", "UNICODE", "_UNICODE", "WIN32_LEAN_AND_MEAN", "NOMINMAX"],
          "libraries": ["iphlpapi.lib", "ws2_32.lib", "ole32.lib", "oleaut32.lib", "wbemuuid.lib", "advapi32.lib"],
          "msvs_settings": {
            "VCCLCompilerTool": { "AdditionalOptions": ["/std:c++17", "/W3"], "ExceptionHandling": 1 }
          }
        }, {
          # Anything but Windows: fail the build loudly instead of producing an addon that cannot work.
          "actions": [{
            "action_name": "refuse_non_windows",
            "inputs": [],
            "outputs": ["refused"],
            "action": ["node", "-e", "console.error('@ephemeral-ports/win32 builds only on Windows (see scripts/windows/cross-build.sh)'); process.exit(1)"]
          }]
        }]
      ]
    }
  ]
}
