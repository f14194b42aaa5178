/**
 * OpenTelemetry traces, loaded before the application (`node --import
 * ./src/tracing/instrumentation.js src/main.js`, as `npm run start:prod`, the Dockerfile
 * and the compose file start it) so the instrumentations patch http, express, pg and
 * graphql before anything imports them. Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set:
 * then, and only then, the SDK is loaded (it is large, and most starts never need it) and
 * spans are exported over OTLP/HTTP to `<endpoint>/v1/traces`. The SDK's own OTEL_*
 * variables (OTEL_BSP_SCHEDULE_DELAY, OTEL_TRACES_SAMPLER, …) apply.
 *
 * No span carries patient data: GraphQL variable values are not recorded, and every span
 * is cleaned by scrubSpanAttributes before export (span-attributes.ts).
 */
// Types only: erased from the JavaScript, so nothing of the SDK loads while tracing is off.
import { register } from 'node:module';
import type * as Sdk from '@opentelemetry/sdk-node';
import { loadConfig } from '../config.js';
import { scrubSpanAttributes } from './span-attributes.js';

async function startTracing(endpoint: string, serviceName: string): Promise<void> {
  // Our modules import express (and the rest) as ES modules, which the instrumentations'
  // require hooks do not see: OpenTelemetry's loader hook (import-in-the-middle) does.
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const [{ NodeSDK, tracing }, http, express, graphql, pg, otlp] = await Promise.all([
    import('@opentelemetry/sdk-node'),
    import('@opentelemetry/instrumentation-http'),
    import('@opentelemetry/instrumentation-express'),
    import('@opentelemetry/instrumentation-graphql'),
    import('@opentelemetry/instrumentation-pg'),
    import('@opentelemetry/exporter-trace-otlp-http'),
  ]);
  const batch = new tracing.BatchSpanProcessor(
    new otlp.OTLPTraceExporter({ url: `${endpoint.replace(/\/$/, '')}/v1/traces` }),
  );
  // Cleans each finished span before the batch keeps it for export.
  const scrubbing: Sdk.tracing.SpanProcessor = {
    onStart: (span, context) => batch.onStart(span, context),
    onEnd: (span) => {
      scrubSpanAttributes(span.attributes as Record<string, unknown>);
      batch.onEnd(span);
    },
    forceFlush: () => batch.forceFlush(),
    shutdown: () => batch.shutdown(),
  };
  const sdk = new NodeSDK({
    serviceName,
    spanProcessors: [scrubbing],
    instrumentations: [
      new http.HttpInstrumentation({
        // Probes and scrapes are not worth a trace.
        ignoreIncomingRequestHook: (req) => /^\/(healthz|readyz)\b/.test(req.url ?? ''),
      }),
      new express.ExpressInstrumentation(),
      new graphql.GraphQLInstrumentation({
        allowValues: false,
        mergeItems: true,
        ignoreTrivialResolveSpans: true,
      }),
      new pg.PgInstrumentation({ enhancedDatabaseReporting: false }),
    ],
  });
  sdk.start();
  // Flush what is batched when the process stops (main.ts exits after its ordered shutdown).
  process.once('beforeExit', () => void sdk.shutdown());
  process.stderr.write(`brygga: traces exported to ${endpoint}\n`);
}

let settings: { endpoint?: string | undefined; serviceName: string } | null = null;
try {
  const config = loadConfig();
  settings = {
    endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT,
    serviceName: config.OTEL_SERVICE_NAME,
  };
} catch {
  // A bad configuration is main.ts's to report, in its one line.
}
if (settings?.endpoint) await startTracing(settings.endpoint, settings.serviceName);
