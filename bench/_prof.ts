import { LinuxPortModel, portRange, defaultKeyedHash, keyId } from '@ephemeral-ports/core';
const m = new LinuxPortModel({ range: portRange(32768, 60999), seed: 1 });
const keys = Array.from({ length: 256 }, (_, i) => ({ localAddress: '10.0.0.1', remoteAddress: `192.0.2.${i}`, remotePort: 443 }));
let t = performance.now();
for (let i = 0; i < 200000; i++) { const k = keys[i & 255]!; m.release(m.connect(k)!, k); }
console.log('connect+release', (200000 / (performance.now() - t) * 1000).toFixed(0));
t = performance.now(); let x = 0;
for (let i = 0; i < 200000; i++) x ^= defaultKeyedHash(keys[i & 255]!, 5);
console.log('hash', (200000 / (performance.now() - t) * 1000).toFixed(0));
t = performance.now(); let y = '';
for (let i = 0; i < 200000; i++) y = keyId(keys[i & 255]!);
console.log('keyId', (200000 / (performance.now() - t) * 1000).toFixed(0));
