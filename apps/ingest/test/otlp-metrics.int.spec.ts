import { OTLPMetricExporter as OtlpHttpJsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as OtlpHttpProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { CompressionAlgorithm } from '@opentelemetry/otlp-exporter-base';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter } from '@opentelemetry/sdk-metrics';
import { Reader } from 'protobufjs/minimal';
import generatedRoot from 'otlp-transformer-protobuf/build/src/generated/root';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { envelopesOf, post, startIngestTestContext, type IngestTestContext } from './ingest-test-context';

interface GeneratedType {
  fromObject(object: unknown): unknown;
  encode(message: unknown): { finish(): Uint8Array };
  decode(bytes: Uint8Array): unknown;
  toObject(message: unknown, options: { longs: NumberConstructor }): Record<string, unknown>;
}
const metricsService = (generatedRoot as unknown as {
  opentelemetry: { proto: { collector: { metrics: { v1: Record<'ExportMetricsServiceRequest' | 'ExportMetricsServiceResponse', GeneratedType> } } } };
}).opentelemetry.proto.collector.metrics.v1;

type ProducedEvent = { id: string; metric: string; value: number; timestamp: number; attributes: Record<string, string | number | boolean> };

/** Exports one counter, one histogram and one gauge through an official exporter, as an application would. */
const exportWith = async (exporter: PushMetricExporter, exporterName: string) => {
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const provider = new MeterProvider({ resource: resourceFromAttributes({ 'service.name': 'checkout', exporter: exporterName }), readers: [reader] });
  const meter = provider.getMeter('ingest-integration-test');
  meter.createCounter('checkout.requests').add(3, { region: 'eu-west-1' });
  const latency = meter.createHistogram('checkout.latency', { unit: 'ms', advice: { explicitBucketBoundaries: [100, 500] } });
  latency.record(120, { region: 'eu-west-1' });
  latency.record(700, { region: 'eu-west-1' });
  meter.createGauge('Queue.Depth').record(7);
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const result = await new Promise<{ code: number; error?: Error }>((resolve) => exporter.export(resourceMetrics, resolve));
  await provider.shutdown();
  return result;
};

describe('POST /v1/metrics (OTLP/HTTP) with the official OpenTelemetry exporters', () => {
  let ctx: IngestTestContext;
  const producedEvents = async (exporterName: string, expectedCount: number): Promise<ProducedEvent[]> => {
    const select = (messages: Awaited<ReturnType<IngestTestContext['readRaw']>>) =>
      envelopesOf(messages)
        .flatMap(({ envelope }) => envelope.events as unknown as ProducedEvent[])
        .filter((event) => event.attributes?.['exporter'] === exporterName);
    return select(await ctx.readRaw((read) => select(read).length >= expectedCount));
  };

  beforeAll(async () => {
    ctx = await startIngestTestContext();
  });
  afterAll(async () => {
    await ctx?.close();
  });

  it.each([
    ['json', (url: string, key: string) => new OtlpHttpJsonMetricExporter({ url: `${url}/v1/metrics`, headers: { Authorization: `Bearer ${key}` } })],
    ['protobuf', (url: string, key: string) => new OtlpHttpProtoMetricExporter({ url: `${url}/v1/metrics`, headers: { Authorization: `Bearer ${key}` } })],
    [
      'protobuf-gzip',
      (url: string, key: string) =>
        new OtlpHttpProtoMetricExporter({ url: `${url}/v1/metrics`, headers: { Authorization: `Bearer ${key}` }, compression: CompressionAlgorithm.GZIP }),
    ],
  ])('maps an export from the %s exporter to events on telemetry.raw.v1', async (exporterName, createExporter) => {
    const result = await exportWith(createExporter(ctx.ingest.url, ctx.source.apiKey), exporterName);
    expect(result.error).toBeUndefined();
    expect(result.code).toBe(0);
    // counter 1 + histogram count, sum and 3 buckets + gauge 1
    const events = await producedEvents(exporterName, 7);
    const byMetric = (metric: string) => events.filter((event) => event.metric === metric);
    const base = { 'service.name': 'checkout', exporter: exporterName };
    expect(byMetric('checkout.requests')).toMatchObject([{ value: 3, attributes: { ...base, region: 'eu-west-1' } }]);
    expect(byMetric('checkout.latency.count')).toMatchObject([{ value: 2 }]);
    expect(byMetric('checkout.latency.sum')).toMatchObject([{ value: 820 }]);
    expect(byMetric('checkout.latency.bucket').map((event) => [event.attributes['le'], event.value])).toEqual([
      ['100', 0],
      ['500', 1],
      ['+Inf', 2],
    ]);
    expect(byMetric('queue.depth')).toMatchObject([{ value: 7, attributes: base }]);
    for (const event of events) {
      expect(event.id).toMatch(/^[0-9a-f]{32}$/);
      expect(Math.abs(event.timestamp - Date.now())).toBeLessThan(60_000);
    }
    expect(new Set(events.map((event) => event.id)).size).toBe(events.length);
  });

  it('answers OTLP/JSON with partial_success naming the rejected data points', async () => {
    const now = `${Date.now()}000000`;
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'exporter', value: { stringValue: 'hand-json' } }] },
          scopeMetrics: [
            {
              metrics: [
                { name: 'disk.free', gauge: { dataPoints: [{ timeUnixNano: now, asInt: '42' }, { timeUnixNano: now, asDouble: 'NaN' }] } },
                { name: '', gauge: { dataPoints: [{ timeUnixNano: now, asDouble: 1 }] } },
              ],
            },
          ],
        },
      ],
    };
    const answer = await post(ctx.ingest.url, JSON.stringify(body), { apiKey: ctx.source.apiKey, path: '/v1/metrics' });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toMatch(/^application\/json/);
    const response = answer.json() as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    expect(response.partialSuccess.rejectedDataPoints).toBe('2');
    expect(response.partialSuccess.errorMessage).toMatch(/disk\.free: value: must be a finite number/);
    expect(await producedEvents('hand-json', 1)).toMatchObject([{ metric: 'disk.free', value: 42 }]);
  });

  it('rejects OTLP data points under the reserved telemetry.self.* names as reserved_metric', async () => {
    const now = `${Date.now()}000000`;
    const gauge = (name: string) => ({ name, gauge: { dataPoints: [{ timeUnixNano: now, asInt: '0' }] } });
    const body = {
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'exporter', value: { stringValue: 'hand-json-reserved' } }] },
          scopeMetrics: [{ metrics: [gauge('telemetry.self.auth_failures'), gauge('queue.depth')] }],
        },
      ],
    };
    const answer = await post(ctx.ingest.url, JSON.stringify(body), { apiKey: ctx.source.apiKey, path: '/v1/metrics' });
    expect(answer.status).toBe(200);
    const response = answer.json() as { partialSuccess: { rejectedDataPoints: string; errorMessage: string } };
    expect(response.partialSuccess.rejectedDataPoints).toBe('1');
    expect(response.partialSuccess.errorMessage).toMatch(/telemetry\.self\.auth_failures: metric: reserved_metric/);
    expect(await producedEvents('hand-json-reserved', 1)).toMatchObject([{ metric: 'queue.depth', value: 0 }]);
  });

  it('answers OTLP/protobuf with an ExportMetricsServiceResponse carrying partial_success', async () => {
    const request = metricsService.ExportMetricsServiceRequest.fromObject({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'exporter', value: { stringValue: 'hand-proto' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'http.server.active-requests',
                  sum: { dataPoints: [{ timeUnixNano: Date.now() * 1e6, asInt: 5, attributes: [{ key: 'http route', value: { stringValue: '/cart' } }] }] },
                },
                { name: 'bad metric!', gauge: { dataPoints: [{ timeUnixNano: Date.now() * 1e6, asDouble: Number.POSITIVE_INFINITY }] } },
              ],
            },
          ],
        },
      ],
    });
    const answer = await fetch(`${ctx.ingest.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ctx.source.apiKey}` },
      body: metricsService.ExportMetricsServiceRequest.encode(request).finish(),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('content-type')).toBe('application/x-protobuf');
    const decoded = metricsService.ExportMetricsServiceResponse.toObject(
      metricsService.ExportMetricsServiceResponse.decode(new Uint8Array(await answer.arrayBuffer())),
      { longs: Number },
    );
    expect(decoded).toMatchObject({ partialSuccess: { rejectedDataPoints: 1, errorMessage: expect.stringMatching(/bad_metric_: value: must be a finite number/) as unknown } });
    expect(await producedEvents('hand-proto', 1)).toMatchObject([
      { metric: 'http.server.active_requests', value: 5, attributes: { http_route: '/cart', exporter: 'hand-proto' } },
    ]);
  });

  it('answers refusals with OTLP Status bodies in the request encoding', async () => {
    const unauthorized = await fetch(`${ctx.ingest.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: 'Bearer wrong' },
      body: new Uint8Array(),
    });
    expect(unauthorized.status).toBe(401);
    const status = Reader.create(new Uint8Array(await unauthorized.arrayBuffer()));
    expect(status.uint32()).toBe((1 << 3) | 0);
    expect(status.int32()).toBe(16); // UNAUTHENTICATED
    expect(status.uint32()).toBe((2 << 3) | 2);
    expect(status.string()).toBe('invalid or revoked API key');

    const malformed = await post(ctx.ingest.url, '{"resourceMetrics": 3}', { apiKey: ctx.source.apiKey, path: '/v1/metrics' });
    expect(malformed.status).toBe(400);
    expect(malformed.json()).toEqual({ code: 3, message: 'resourceMetrics: expected array' });

    const garbage = await fetch(`${ctx.ingest.url}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf', authorization: `Bearer ${ctx.source.apiKey}` },
      body: new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]),
    });
    expect(garbage.status).toBe(400);

    const wrongType = await post(ctx.ingest.url, 'x', { apiKey: ctx.source.apiKey, path: '/v1/metrics', contentType: 'text/plain' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.json()).toMatchObject({ code: 3, message: expect.stringMatching(/application\/x-protobuf or application\/json/) as unknown });
  });
});
