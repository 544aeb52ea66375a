import Fastify from 'fastify';

// The bench's baseline: a bare Fastify endpoint that reads the body and JSON-parses it, nothing
// else — no auth, no validation, no Kafka. Same body handling as ingest (string, JSON.parse).
const port = Number(process.argv[2] ?? 0);

const main = async () => {
  const app = Fastify({ logger: false, bodyLimit: 2 * 1024 * 1024 });
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('*', { parseAs: 'string' }, (_request, body, done) => {
    try {
      done(null, JSON.parse(body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });
  app.post('/v1/events', async (request, reply) => {
    const events = (request.body as { events?: unknown[] }).events ?? [];
    return reply.code(202).header('content-type', 'application/json').send(`{"accepted":${events.length},"rejected":[]}`);
  });
  const address = await app.listen({ port, host: '127.0.0.1' });
  process.stdout.write(`listening ${address}\n`);
  process.once('SIGTERM', () => void app.close().then(() => process.exit(0)));
};

void main();
