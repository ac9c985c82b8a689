/**
 * `ephemeral-ports/core`: the OS-agnostic model (ranges and port sets, per-OS rules and defaults as data, RFC 6056
 * and the Linux allocation model, capacity math, the backend contract). The published subpath is
 * `@ephemeral-ports/core` itself (subpaths/core.*, not built from here), so an app holds one copy of it however it
 * reaches it; this file gives type-checking and tests in the repo the same view.
 */
export * from '@ephemeral-ports/core';
