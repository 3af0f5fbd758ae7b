import { describe, it, expect } from 'vitest';
import { AddressPolicy, parseHostLiteral } from '../../src/net/ssrf-guard.js';

const strict = new AddressPolicy([]);

function hostOf(url: string): string {
  return new URL(url).hostname;
}

describe('WHATWG URL normalises legacy IPv4 spellings', () => {
  it.each([
    ['http://127.1/', '127.0.0.1'],
    ['http://2130706433/', '127.0.0.1'],
    ['http://0x7f000001/', '127.0.0.1'],
    ['http://0x7f.1/', '127.0.0.1'],
    ['http://017700000001/', '127.0.0.1'],
    ['http://0177.0.0.1/', '127.0.0.1'],
    ['http://127.0.0.1./', '127.0.0.1'],
    ['http://[::ffff:127.0.0.1]/', '[::ffff:7f00:1]'],
    ['http://[::127.0.0.1]/', '[::7f00:1]'],
  ])('%s → %s', (url, host) => {
    expect(hostOf(url)).toBe(host);
  });
});

describe('parseHostLiteral', () => {
  it.each([
    ['127.0.0.1', '127.0.0.1', 4],
    ['127.1', '127.0.0.1', 4],
    ['2130706433', '127.0.0.1', 4],
    ['0x7f000001', '127.0.0.1', 4],
    ['017700000001', '127.0.0.1', 4],
    ['0177.0.0.1', '127.0.0.1', 4],
    ['127.0.0.1.', '127.0.0.1', 4],
    ['[::1]', '::1', 6],
    ['::1', '::1', 6],
    ['[::ffff:127.0.0.1]', '::ffff:7f00:1', 6],
    // The socket reads this as IPv4-compatible, not mapped; so must we.
    ['[::127.0.0.1]', '::7f00:1', 6],
    ['[2606:4700::1]', '2606:4700::1', 6],
  ])('%s → %s', (host, address, family) => {
    expect(parseHostLiteral(host)).toEqual({ address, family });
  });

  it.each(['example.com', 'localhost', 'localhost.', '1.2.3.4.example', '', '[not-ip]', 'xn--bcher-kva.example'])(
    '%s is a name, not a literal',
    (host) => {
      expect(parseHostLiteral(host)).toBeNull();
    },
  );
});

describe('AddressPolicy', () => {
  it.each([
    '127.0.0.1',
    '127.255.255.254',
    '10.0.0.1',
    '172.16.5.4',
    '172.31.255.255',
    '192.168.1.1',
    '169.254.169.254',
    '100.64.0.1',
    '100.127.255.255',
    '0.0.0.0',
    '0.1.2.3',
    '224.0.0.1',
    '239.255.255.250',
    '255.255.255.255',
    '240.0.0.1',
    '198.18.0.1',
    '198.19.255.255',
    '192.0.0.8',
    '192.0.2.1',
    '198.51.100.1',
    '203.0.113.1',
    '192.88.99.1',
    '::1',
    '::',
    '::ffff:127.0.0.1',
    '::ffff:7f00:1',
    '::ffff:10.0.0.1',
    '::ffff:169.254.169.254',
    '::127.0.0.1',
    '::7f00:1',
    '::8.8.8.8',
    '::ffff:0:7f00:1',
    '64:ff9b::7f00:1',
    '64:ff9b::a00:1',
    '64:ff9b:1::808:808',
    '2002:7f00:1::',
    '2002:808:808::1',
    '2001::1',
    '2001:0:4136:e378:8000:63bf:3fff:fdd2',
    '2001:db8::1',
    '2001:2::1',
    '2001:10::1',
    '2001:20::1',
    '100::1',
    'fc00::1',
    'fd12::1',
    'fec0::1',
    'fe80::1',
    'fe80::1%eth0',
    'ff02::1',
    'ff0e::1',
    '5f00::1',
    '4000::1',
    'not an ip',
    '',
    '127.1',
    'localhost',
  ])('refuses %s', (ip) => {
    expect(strict.isAllowed(ip)).toBe(false);
  });

  it.each(['8.8.8.8', '1.1.1.1', '93.184.216.34', '2606:4700:4700::1111', '2a00:1450:4001::200e', '::ffff:8.8.8.8', '64:ff9b::808:808'])(
    'allows public %s',
    (ip) => {
      expect(strict.isAllowed(ip)).toBe(true);
    },
  );

  it('allows listed ranges, including their IPv4-mapped form', () => {
    const policy = new AddressPolicy(['127.0.0.0/8', 'fd00::/8']);
    expect(policy.isAllowed('127.0.0.1')).toBe(true);
    expect(policy.isAllowed('127.9.9.9')).toBe(true);
    expect(policy.isAllowed('::ffff:127.0.0.1')).toBe(true);
    expect(policy.isAllowed('fd12::1')).toBe(true);
    expect(policy.isAllowed('::1')).toBe(false);
    expect(policy.isAllowed('10.0.0.1')).toBe(false);
    expect(policy.isAllowed('8.8.8.8')).toBe(true);
  });

  it('keeps a /32 allow entry narrow', () => {
    const policy = new AddressPolicy(['127.0.0.1/32']);
    expect(policy.isAllowed('127.0.0.1')).toBe(true);
    expect(policy.isAllowed('127.0.0.2')).toBe(false);
  });

  it('rejects a malformed allow list at construction', () => {
    expect(() => new AddressPolicy(['10.0.0.0/33'])).toThrow(/invalid CIDR/);
    expect(() => new AddressPolicy(['nonsense'])).toThrow(/invalid CIDR/);
  });
});
