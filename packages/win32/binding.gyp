# The Windows addon, built with node-gyp + MSVC on Windows. ./native is the repo's native/ (a symlink) or, in a
# tarball, the copy npm pack ships. Elsewhere scripts/windows/cross-build.sh builds the same sources with mingw-w64
# into prebuilds/win32-x64/, which is what the published package ships and node-gyp-build loads.
{
  "includes": ["native/common/common.gypi"],
  "targets": [
    {
      "target_name": "ephemeral_ports_win32",
      "conditions": [
        ["OS=='win'", {
          "sources": [
            "native/win32/addon.cc",
            "native/win32/win_error.cc",
            "native/win32/socket_tables.cc",
            "native/win32/port_reservations.cc",
            "native/win32/wmi_port_range.cc"
          ],
          "include_dirs": ["native/win32"],
          "defines": ["UNICODE", "_UNICODE", "WIN32_LEAN_AND_MEAN", "NOMINMAX"],
          "libraries": ["iphlpapi.lib", "ws2_32.lib", "ole32.lib", "oleaut32.lib", "wbemuuid.lib", "advapi32.lib"]
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
