// The facade (`ephemeral-ports`) on Wine: the live range cannot be read there, so it answers with the Windows
// default, source 'default' and a warning — never a guess presented as the kernel's value. The win32 backend is
// loaded through EPHEMERAL_PORTS_BACKEND, by the path of its built dist, so the test names exactly the build it checks.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FACADE_DIST, WIN32_DIST_CJS } from './helpers.mjs';

process.env.EPHEMERAL_PORTS_BACKEND = WIN32_DIST_CJS;
const facade = await import(FACADE_DIST.href);

test('getEphemeralRange answers with the Windows default, source "default", and says why', async () => {
  const report = await facade.getEphemeralRange({ protocol: 'tcp' });
  assert.equal(report.platform, 'win32');
  assert.equal(report.source, 'default');
  assert.deepEqual(report.range, { low: 49152, high: 65535 });
  const warning = report.warnings.find((w) => w.code === 'RANGE_NOT_READ');
  assert.ok(warning, JSON.stringify(report.warnings));
  assert.match(warning.message, /ERR_EPHEMERAL_PARSE/); // netsh printed nothing
  assert.match(warning.message, /WBEM_E_INVALID_NAMESPACE/); // and WMI is missing
  assert.match(warning.message, /MSFT_NetTCPSetting/);
  assert.equal(report.implementation, 'native');
});

test('the excluded ranges are unreadable under Wine too, and the report says so', async () => {
  const report = await facade.getEphemeralRange({ protocol: 'udp' });
  assert.equal(report.reserved, null);
  assert.ok(report.warnings.some((w) => w.code === 'RESERVED_NOT_READ'), JSON.stringify(report.warnings));
});
