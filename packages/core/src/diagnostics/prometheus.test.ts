import { describe, expect, it } from 'vitest';
import { diagnose } from './doctor.js';
import { escapeLabelValue, formatPrometheus } from './prometheus.js';
import { analyzeUsage } from './usage.js';
import { clients, tcp } from './fixtures.test-helpers.js';

const range = { low: 40000, high: 40999 };

function metrics(maxDestinations?: number) {
  const sockets = [tcp('LISTEN', '0.0.0.0', 40990), ...clients(950, 40000, '10.0.0.2', 443), ...clients(3, 40000, '10.0.0.2', 80, 'TIME_WAIT')];
  const usage = analyzeUsage({ census: { sockets, source: 'netlink:sock_diag' }, range });
  return formatPrometheus(usage, diagnose(usage, { os: 'linux' }), maxDestinations === undefined ? {} : { maxDestinations });
}

const sample = (text: string, name: string) =>
  text.split('\n').filter((l) => l.startsWith(`ephemeral_ports_${name}`) && (l[`ephemeral_ports_${name}`.length] === '{' || l[`ephemeral_ports_${name}`.length] === ' '));

describe('formatPrometheus', () => {
  it('exposes range, states, destinations and the verdict with HELP/TYPE for each family', () => {
    const text = metrics();
    expect(sample(text, 'range_low')).toEqual(['ephemeral_ports_range_low 40000']);
    expect(sample(text, 'sockets')).toEqual([
      'ephemeral_ports_sockets{protocol="tcp",state="ESTABLISHED"} 950',
      'ephemeral_ports_sockets{protocol="tcp",state="LISTEN"} 1',
      'ephemeral_ports_sockets{protocol="tcp",state="TIME_WAIT"} 3',
    ]);
    expect(sample(text, 'destination_used_ports')[0]).toBe('ephemeral_ports_destination_used_ports{local_address="10.0.0.1",remote_address="10.0.0.2",remote_port="443"} 950');
    expect(sample(text, 'destination_capacity_ports')[0]).toMatch(/ 999$/); // 1000 minus the listener's port
    expect(sample(text, 'doctor_verdict')).toEqual(['ephemeral_ports_doctor_verdict 2']);
    expect(text).toContain('ephemeral_ports_doctor_findings{rule="DESTINATION_EXHAUSTION",severity="critical"} 1');
    const families = text.split('\n').filter((l) => l.startsWith('# TYPE')).map((l) => l.split(' ')[2]);
    expect(new Set(families).size).toBe(families.length);
    for (const f of families) expect(text).toContain(`# HELP ${f} `);
    expect(text.endsWith('\n')).toBe(true);
  });

  it('caps per-destination series', () => {
    expect(sample(metrics(1), 'destination_used_ports')).toHaveLength(1);
    expect(sample(metrics(), 'destination_used_ports')).toHaveLength(2);
  });

  it('escapes label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
  });
});
