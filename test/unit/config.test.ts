import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../../src/config.js';

/** The settings that decide where the session cookie may travel and whether the demo IdP runs. */
const KEY = Buffer.alloc(32, 1).toString('base64');
const DB = 'postgresql://brygga@127.0.0.1:5432/brygga';

describe('PUBLIC_URL', () => {
  it('may be plain http on loopback outside production', () => {
    for (const url of ['http://127.0.0.1:4000', 'http://localhost:4000', 'http://[::1]:4000']) {
      expect(loadConfig({ PUBLIC_URL: url }).PUBLIC_URL).toBe(url);
    }
    expect(loadConfig({ HOST: '0.0.0.0' }).PUBLIC_URL).toBe('http://localhost:4000');
  });

  it('must be https anywhere else', () => {
    expect(() => loadConfig({ PUBLIC_URL: 'http://brygga.example' })).toThrow(
      'invalid configuration: PUBLIC_URL: plain http only on loopback (127.0.0.1, localhost, [::1]); use https for brygga.example',
    );
    expect(() => loadConfig({ HOST: '10.0.0.5' })).toThrow(ConfigError);
    expect(loadConfig({ PUBLIC_URL: 'https://brygga.example' }).PUBLIC_URL).toBe(
      'https://brygga.example',
    );
  });

  it('must be https in production, also on loopback', () => {
    const production = {
      NODE_ENV: 'production',
      IDENTITY_KEY_ENCRYPTION_KEY: KEY,
      DATABASE_URL: DB,
    };
    expect(() => loadConfig({ ...production, PUBLIC_URL: 'http://127.0.0.1:4000' })).toThrow(
      'invalid configuration: PUBLIC_URL: must be https in production',
    );
    expect(() => loadConfig(production)).toThrow('PUBLIC_URL: must be https in production');
    expect(loadConfig({ ...production, PUBLIC_URL: 'https://brygga.example' }).NODE_ENV).toBe(
      'production',
    );
  });
});

describe('DEMO_IDP', () => {
  it('is on with the embedded database and off with DATABASE_URL, unless set', () => {
    expect(loadConfig({}).DEMO_IDP).toBe(true);
    expect(loadConfig({ DATABASE_URL: DB }).DEMO_IDP).toBe(false);
    expect(loadConfig({ DATABASE_URL: DB, DEMO_IDP: 'true' }).DEMO_IDP).toBe(true);
    expect(loadConfig({ DEMO_IDP: 'false' }).DEMO_IDP).toBe(false);
  });

  it('never runs in production', () => {
    const production = {
      NODE_ENV: 'production',
      IDENTITY_KEY_ENCRYPTION_KEY: KEY,
      PUBLIC_URL: 'https://brygga.example',
    };
    expect(loadConfig(production).DEMO_IDP).toBe(false);
    expect(() => loadConfig({ ...production, DEMO_IDP: 'true' })).toThrow(
      'invalid configuration: DEMO_IDP: the demo IdP signs in anyone; it never runs with NODE_ENV=production',
    );
  });
});

describe('the GetCarePlans producer', () => {
  const FINGERPRINT = 'AB'.repeat(32);
  const complete = {
    CARE_PLANS_PRODUCER_PORT: '8443',
    CARE_PLANS_PRODUCER_TLS_CERT_FILE: '/run/secrets/server.pem',
    CARE_PLANS_PRODUCER_TLS_KEY_FILE: '/run/secrets/server.key',
    CARE_PLANS_PRODUCER_CLIENT_CA_FILE: '/etc/brygga/platform-ca.pem',
    CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: `${'ab:'.repeat(31)}ab, ${FINGERPRINT.replace('A', 'C')}`,
    CARE_PLANS_PLATFORM_HSA_ID: 'SE5565594230-B8N',
    CARE_PLANS_PRODUCER_LOGICAL_ADDRESSES: 'SE2321000016-BRYG, SE2321000016-0001',
    CARE_PLANS_SOURCE_SYSTEM_HSA_ID: 'SE2321000016-BRYS',
  };

  it('is off by default', () => {
    expect(loadConfig({}).CARE_PLANS_PRODUCER_PORT).toBeUndefined();
  });

  it('reads pinned fingerprints and logical addresses as lists', () => {
    const config = loadConfig(complete);
    expect(config.CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256).toEqual([
      FINGERPRINT,
      FINGERPRINT.replace('A', 'C'),
    ]);
    expect(config.CARE_PLANS_PRODUCER_LOGICAL_ADDRESSES).toEqual([
      'SE2321000016-BRYG',
      'SE2321000016-0001',
    ]);
  });

  it('refuses a port without the rest of its configuration, naming what is missing', () => {
    const { CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: _pin, ...withoutPin } = complete;
    expect(() => loadConfig(withoutPin)).toThrow(
      'invalid configuration: CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: required when CARE_PLANS_PRODUCER_PORT is set',
    );
  });

  it('refuses a fingerprint that is not SHA-256, an HSA-ID that is not one, and the API port', () => {
    expect(() =>
      loadConfig({ ...complete, CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: 'AB12' }),
    ).toThrow(/CARE_PLANS_PRODUCER_CLIENT_CERT_SHA256: must be SHA-256 fingerprints/);
    expect(() => loadConfig({ ...complete, CARE_PLANS_PLATFORM_HSA_ID: 'inera' })).toThrow(
      /CARE_PLANS_PLATFORM_HSA_ID: must be an HSA-ID/,
    );
    expect(() => loadConfig({ ...complete, PORT: '8443' })).toThrow(
      /CARE_PLANS_PRODUCER_PORT: must not be PORT/,
    );
  });
});
