'use strict';
// ephemeral-ports/get-port for require(): the function itself, with get-port's other names on it, as get-port's
// users call it (`const getPort = require(...)`, `getPort.portNumbers`), and `default` for transpiled imports.
const m = require('../dist/get-port.js');
module.exports = m.default;
module.exports.default = m.default;
module.exports.portNumbers = m.portNumbers;
module.exports.clearLockedPorts = m.clearLockedPorts;
