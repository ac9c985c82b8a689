// Doing procfs I/O in another network namespace without moving the Node process: a short-lived thread
// setns()es into the namespace, opens the /proc/sys files there (they resolve to the opening task's netns),
// and exits. The JS thread and every other thread keep their namespace.
#pragma once
#include <functional>
#include <string>

#include "os_failure.h"

namespace ephemeral_ports {

// Runs `work` on a new thread inside the network namespace at `ns_path` (`/proc/<pid>/ns/net`,
// `/run/netns/<name>`) and waits for it. False with `failure` set when entering fails or `work` fails.
bool RunInNetns(const std::string& ns_path, const std::function<bool(OsFailure*)>& work, OsFailure* failure);

}  // namespace ephemeral_ports
