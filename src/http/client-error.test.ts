import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../config/config.js';
import { hostileClientServerOptions } from './client-error.js';

describe('timeouts for hostile clients', () => {
  it('checks connections often enough for the shorter timeout to bite on time', () => {
    expect(hostileClientServerOptions({ headersTimeoutMs: 30_000, requestTimeoutMs: 120_000 })).toEqual({
      headersTimeout: 30_000,
      requestTimeout: 120_000,
      connectionsCheckingInterval: 7_500,
    });
    expect(hostileClientServerOptions({ headersTimeoutMs: 200, requestTimeoutMs: 1_000 }).connectionsCheckingInterval).toBe(100);
    expect(hostileClientServerOptions({ headersTimeoutMs: 3_600_000, requestTimeoutMs: 3_600_000 }).connectionsCheckingInterval).toBe(30_000);
  });

  it('the head timeout defaults to 30 s, or the request timeout when that is shorter, and may not exceed it', () => {
    expect(loadConfig({}).headersTimeoutMs).toBe(30_000);
    expect(loadConfig({ PINHOLE_REQUEST_TIMEOUT_MS: '10000' }).headersTimeoutMs).toBe(10_000);
    expect(loadConfig({ PINHOLE_HEADERS_TIMEOUT_MS: '500' }).headersTimeoutMs).toBe(500);
    expect(() => loadConfig({ PINHOLE_HEADERS_TIMEOUT_MS: '20000', PINHOLE_REQUEST_TIMEOUT_MS: '10000' })).toThrow(ConfigError);
  });
});
