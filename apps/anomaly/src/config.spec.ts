import { WARNING_SCORE } from '@telemetry/anomaly';
import { loadConfig } from '@telemetry/config';
import { describe, expect, it } from 'vitest';
import { anomalyConfigSchema, DEVELOPMENT_WEBHOOK_SECRET, parseDetectorOverrides, parseOwnerWebhooks, requireWebhookSecret } from './config';

describe('anomaly config', () => {
  it('has the documented defaults; the threshold is libs/anomaly\'s warning band', () => {
    expect(loadConfig(anomalyConfigSchema, {})).toMatchObject({ ANOMALY_HEALTH_PORT: 9103, ANOMALY_SCORE_THRESHOLD: WARNING_SCORE, NOTIFY_WEBHOOKS: '{}' });
  });

  it.each([
    ['ANOMALY_SCORE_THRESHOLD', '1.5'],
    ['ANOMALY_SCORE_THRESHOLD', '0'],
    ['ANOMALY_CHECKPOINT_INTERVAL_MS', 'soon'],
    ['NOTIFY_WEBHOOK_SECRET', 'short'],
  ])('names %s=%s as invalid', (variable, value) => {
    expect(() => loadConfig(anomalyConfigSchema, { [variable]: value })).toThrow(variable);
  });

  it.each([
    ['{}', {}],
    ['{"payments":"https://hooks.example/p"}', { payments: 'https://hooks.example/p' }],
  ])('parses NOTIFY_WEBHOOKS %s', (text, expected) => {
    expect(parseOwnerWebhooks(text)).toEqual(expected);
  });

  it.each([
    ['not json', 'not valid JSON'],
    ['["https://x"]', 'must be a JSON object'],
    ['{"payments":"ftp://x"}', 'NOTIFY_WEBHOOKS.payments'],
    ['{"payments":3}', 'NOTIFY_WEBHOOKS.payments'],
  ])('refuses NOTIFY_WEBHOOKS %s', (text, message) => {
    expect(() => parseOwnerWebhooks(text)).toThrow(message);
  });

  it('refuses a detector override that is not an object', () => {
    expect(() => parseDetectorOverrides('7')).toThrow('ANOMALY_DETECTOR_CONFIG');
  });

  it.each([
    [{ NODE_ENV: 'development' }, DEVELOPMENT_WEBHOOK_SECRET],
    [{ NODE_ENV: 'production', NOTIFY_WEBHOOK_SECRET: 'a-production-secret' }, 'a-production-secret'],
  ])('uses the webhook secret for %o', (config, expected) => {
    expect(requireWebhookSecret(config)).toBe(expected);
  });

  it('requires a webhook secret in production', () => {
    expect(() => requireWebhookSecret({ NODE_ENV: 'production' })).toThrow('NOTIFY_WEBHOOK_SECRET');
  });
});
