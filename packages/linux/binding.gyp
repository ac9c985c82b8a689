# The Linux addon: procfs reads and writes in any network namespace, and the sock_diag census. ./native is the
# repo's native/ (a symlink) or, in a tarball, the copy npm pack ships (scripts/packaging/native-sources.js).
{
  "includes": ["native/common/common.gypi"],
  "targets": [
    {
      "target_name": "ephemeral_ports_linux",
      "conditions": [
        ["OS=='linux'", {
          "sources": [
            "native/common/system_error.cc",
            "native/linux/procfs.cc",
            "native/linux/netns_thread.cc",
            "native/linux/sock_diag.cc",
            "native/linux/census_aggregate.cc",
            "native/linux/census_owners.cc",
            "native/linux/census.cc",
            "native/linux/abstract_lock.cc",
            "native/linux/addon.cc"
          ]
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
