// Real iphlpapi (Wine's GetExtendedTcpTable / GetExtendedUdpTable) in Windows node.exe: the census lists the
// sockets this test opens, with the right ports and states. Owner PIDs are not asserted (Wine reports few).
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import net from 'node:net';
import { after, before, test } from 'node:test';
import { once } from 'node:events';
import { win32 } from './helpers.mjs';

const backend = win32.createWin32Backend();
let server, client, udp, v6;

before(async () => {
  server = net.createServer((s) => s.resume()).listen(0, '127.0.0.1');
  await once(server, 'listening');
  client = net.connect(server.address().port, '127.0.0.1');
  await once(client, 'connect');
  udp = dgram.createSocket('udp4');
  await new Promise((resolve) => udp.bind(0, '127.0.0.1', resolve));
  v6 = net.createServer().listen(0, '::1');
  await once(v6, 'listening');
});

after(() => {
  client.destroy();
  udp.close();
  server.close();
  v6.close();
});

const find = (sockets, where) => sockets.filter((s) => Object.entries(where).every(([k, v]) => s[k] === v));

test('lists a listening IPv4 TCP socket', async () => {
  const { sockets, source } = await backend.census();
  assert.equal(source, 'iphlpapi:GetExtendedTcpTable/GetExtendedUdpTable');
  const port = server.address().port;
  assert.equal(find(sockets, { protocol: 'tcp', family: 4, state: 'LISTEN', localPort: port, localAddress: '127.0.0.1' }).length, 1);
});

test('lists both ends of an established connection', async () => {
  const { sockets } = await backend.census({ protocols: ['tcp'], families: [4] });
  const port = server.address().port;
  const ours = find(sockets, { state: 'ESTABLISHED', localPort: client.localPort, remotePort: port });
  const theirs = find(sockets, { state: 'ESTABLISHED', localPort: port, remotePort: client.localPort });
  assert.equal(ours.length, 1);
  assert.equal(theirs.length, 1);
  assert.equal(ours[0].remoteAddress, '127.0.0.1');
});

test('lists a bound UDP socket as UNCONN', async () => {
  const { sockets } = await backend.census({ protocols: ['udp'] });
  assert.ok(sockets.every((s) => s.protocol === 'udp'));
  const rows = find(sockets, { family: 4, localPort: udp.address().port, localAddress: '127.0.0.1' });
  assert.equal(rows.length, 1);
  assert.equal(rows[0].state, 'UNCONN');
  assert.equal(rows[0].remotePort, 0);
});

test('lists an IPv6 listener on ::1', async () => {
  const { sockets } = await backend.census({ families: [6] });
  assert.ok(sockets.every((s) => s.family === 6));
  assert.equal(find(sockets, { protocol: 'tcp', state: 'LISTEN', localAddress: '::1', localPort: v6.address().port }).length, 1);
});

test('the side that closes first holds its port in TIME_WAIT', async () => {
  const srv = net.createServer((s) => s.end()).listen(0, '127.0.0.1');
  await once(srv, 'listening');
  const port = srv.address().port;
  const c = net.connect(port, '127.0.0.1');
  await once(c, 'connect');
  const local = c.localPort;
  c.resume();
  await once(c, 'close');
  srv.close();
  const { sockets } = await backend.census({ protocols: ['tcp'], families: [4] });
  assert.equal(find(sockets, { state: 'TIME_WAIT', localPort: port, remotePort: local }).length, 1);
});
