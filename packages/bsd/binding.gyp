# The FreeBSD / macOS addon (sysctlbyname for net.inet.ip.portrange.*). One build per kernel: it reports the kernel
# it was built for (`kernel`), and the loader refuses a build made for another one. ./native is the repo's native/
# (a symlink) or, in a tarball, the copy npm pack ships (scripts/packaging/native-sources.js).
{
  "includes": ["native/common/common.gypi"],
  "targets": [
    {
      "target_name": "ephemeral_ports_bsd",
      "conditions": [
        ["OS=='freebsd' or OS=='mac'", {
          "sources": [
            "native/common/system_error.cc",
            "native/bsd/sysctl_int.cc",
            "native/bsd/addon.cc",
            "native/bsd/module.cc"
          ]
        }, {
          # Anything but FreeBSD or macOS: fail the build loudly instead of producing an addon that cannot work.
          "actions": [{
            "action_name": "refuse_non_bsd",
            "inputs": [],
            "outputs": ["refused"],
            "action": ["node", "-e", "console.error('@ephemeral-ports/bsd builds only on FreeBSD and macOS (gyp OS=freebsd or OS=mac)'); process.exit(1)"]
          }]
        }]
      ]
    }
  ]
}
