import { it } from 'vitest';
import { getFreePort, getFreePortDetailed, checkPort, reservePorts } from 'ephemeral-ports';
import getPort from 'get-port';
it('smoke', async () => {
  const d = await getFreePortDetailed();
  console.log(JSON.stringify(d));
  const N = 1000;
  for (let k = 0; k < 2; k++) {
  let t = performance.now();
  for (let i = 0; i < N; i++) await getFreePort();
  console.log('ours', performance.now() - t);
  t = performance.now();
  for (let i = 0; i < N; i++) await getFreePort({ addresses: 'all' });
  console.log('ours all', performance.now() - t);
  t = performance.now();
  for (let i = 0; i < N; i++) await getPort();
  console.log('get-port', performance.now() - t);
  }
  const r = await reservePorts(5);
  console.log(r.ports);
  console.log(await checkPort(r.ports[0]!), await checkPort(40000), await checkPort(22));
}, 60000);
