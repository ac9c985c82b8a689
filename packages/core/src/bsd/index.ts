/** FreeBSD / macOS (`net.inet.ip.portrange.*`): pure logic shared by @ephemeral-ports/freebsd and /darwin. */
export * from './sysctl-names.js';
export * from './port-ranges.js';
export * from './sysctl-output.js';
export * from './sysctl-errors.js';
export * from './sysctl-port.js';
export * from './native-port.js';
export * from './command-port.js';
export * from './pair-writer.js';
export * from './sysctl-conf.js';
export * from './launchd-plist.js';
export * from './bsd-backend.js';
