# The Windows addon, built with node-gyp + MSVC on Windows (from the repository: the C++ lives in the top-level
# native/win32/). Elsewhere, scripts/windows/cross-build.sh builds the same sources with mingw-w64 into
# prebuilds/win32-x64/, which is what the published package ships and node-gyp-build loads.
{
  "targets": [
    {
      "target_name": "ephemeral_ports_win32",
      "conditions": [
        ["OS=='win'", {
          "sources": [
            "../../native/win32/addon.cc",
            "../../native/win32/win_error.cc",
            "../../native/win32/socket_tables.cc",
            "../../native/win32/port_reservations.cc",
            "../../native/win32/wmi_port_range.cc"
          ],
          "include_dirs": ["../../native/win32"],
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
