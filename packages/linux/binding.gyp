# The Linux addon. Sources live in the repo's top-level native/ (shared with the other OS packages); `npm pack`
# copies them into ./native/ (scripts/prepack.js), and ./native is used when present (a tarball), else the repo's ../../native.
{
  "variables": {
    "native_root": "<!(node -p \"require('fs').existsSync('native') ? 'native' : '../../native'\")"
  },
  "targets": [
    {
      "target_name": "ephemeral_ports_linux",
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "<(native_root)/common/system_error.cc",
            "<(native_root)/linux/procfs.cc",
            "<(native_root)/linux/netns_thread.cc",
            "<(native_root)/linux/btf.cc",
            "<(native_root)/linux/bpf_load.cc",
            "<(native_root)/linux/bpf_iter.cc",
            "<(native_root)/linux/bpf_walk.cc",
            "<(native_root)/linux/sock_diag.cc",
            "<(native_root)/linux/census.cc",
            "<(native_root)/linux/addon.cc"
          ],
          "include_dirs": ["<(native_root)/common", "<(native_root)/linux"],
          "dependencies": ["<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"],
          "defines": ["NAPI_VERSION=8"],
          "cflags_cc": ["-std=c++17", "-Wall", "-Wextra", "-O2"]
        }, {
          # Anything but Linux: fail the build loudly instead of producing an addon that cannot work.
          "actions": [{
            "action_name": "refuse_non_linux",
            "inputs": [],
            "outputs": ["refused"],
            "action": ["node", "-e", "console.error('@ephemeral-ports/linux builds only on Linux'); process.exit(1)"]
          }]
        }]
      ]
    }
  ]
}
