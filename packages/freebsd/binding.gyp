# The FreeBSD addon (sysctlbyname for net.inet.ip.portrange.*). Sources live in the repo's top-level native/bsd
# (shared with the other BSD package) and native/common; `npm pack` copies them into ./native
# (prepack: scripts/packaging/native-sources.js) and ./native is used when present (a tarball), else the repo's ../../native.
{
  "variables": {
    "native_root": "<!(node -p \"require('fs').existsSync('native') ? 'native' : '../../native'\")"
  },
  "targets": [
    {
      "target_name": "ephemeral_ports_bsd",
      "conditions": [
        ["OS=='freebsd'", {
          "sources": [
            "<(native_root)/common/system_error.cc",
            "<(native_root)/bsd/sysctl_int.cc",
            "<(native_root)/bsd/addon.cc",
            "<(native_root)/bsd/module.cc"
          ],
          "include_dirs": ["<(native_root)/common", "<(native_root)/bsd"],
          "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
          "defines": ["NAPI_VERSION=8"],
          "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"],
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "MACOSX_DEPLOYMENT_TARGET": "10.15"
          }
        }, {
          # Anything but FreeBSD: fail the build loudly instead of producing an addon that cannot work.
          "actions": [{
            "action_name": "refuse_non_freebsd",
            "inputs": [],
            "outputs": ["refused"],
            "action": ["node", "-e", "console.error('@ephemeral-ports/freebsd builds only on FreeBSD (gyp OS=freebsd)'); process.exit(1)"]
          }]
        }]
      ]
    }
  ]
}
