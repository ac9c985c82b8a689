/** The HTML report as text: everything escaped, nothing that loads or runs; the rendering is checked in test/pictures. */
import { describe, expect, it } from 'vitest';
import { PortSet, analyzeUsage, buildPortMap, diagnose } from '@ephemeral-ports/core';
import { renderHtmlReport } from './html.js';

const RANGE = { low: 40000, high: 40100 };
const sockets = [
  { protocol: 'tcp' as const, family: 4 as const, state: 'LISTEN' as const, localAddress: '0.0.0.0', localPort: 40050, remoteAddress: '0.0.0.0', remotePort: 0 },
];

function report(host: string, netns?: string) {
  const usage = analyzeUsage({ census: { sockets, source: 'fixture' }, range: RANGE });
  return renderHtmlReport({
    map: buildPortMap({ range: RANGE, listening: PortSet.fromPorts([40050]) }),
    usage,
    doctor: diagnose(usage, { os: 'linux' }),
    host,
    ...(netns ? { netns } : {}),
    time: new Date(0),
    os: 'linux',
  });
}

describe('HTML report text', () => {
  it('escapes host and namespace everywhere; no script, no external reference', () => {
    const html = report('<img src=x onerror=alert(1)>', '/run/netns/"><script>x</script>');
    expect(html).not.toMatch(/<(?:script|img|link|iframe|object)\b|url\(/i);
    expect(html).not.toMatch(/<[^>]+\s(?:src|href)=/i);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('Content-Security-Policy');
  });

  it('has the map, both charts and the findings (a listener inside the range is one)', () => {
    const html = report('h');
    expect(html).toContain('<figure class="map">\n<svg');
    expect(html).toContain('id="chart-states"');
    expect(html).toContain('id="chart-destinations"');
    expect(html).toMatch(/<section class="finding" data-severity="\w+"[^>]*><h3>\w+ · LISTENER_IN_RANGE/);
  });
});
