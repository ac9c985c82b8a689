'use strict';
// node-gyp downloads Node's headers unless told where they are. Official Node builds (and distro packages)
// ship them in <prefix>/include/node, so point node-gyp there when present: builds then work offline.
const { existsSync } = require('node:fs');
const path = require('node:path');

function buildEnv(env = process.env) {
  if (env.npm_config_nodedir) return env;
  const prefix = path.resolve(path.dirname(process.execPath), '..');
  if (!existsSync(path.join(prefix, 'include', 'node', 'node_api.h'))) return env;
  return { ...env, npm_config_nodedir: prefix };
}

module.exports = { buildEnv };
