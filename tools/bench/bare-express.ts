// The baseline for the POST /v1/messages benchmark: an Express 5 endpoint that only parses JSON and
// answers 202, run as its own process so both sides of the comparison pay the same process costs.
import express from 'express';

const app = express();
app.get('/healthz', (_req, res) => {
  res.json({ status: 'ok' });
});
app.post('/x', express.json(), (_req, res) => {
  res.status(202).json({ id: 'x' });
});
const server = app.listen(Number(process.env.PORT ?? 0), '127.0.0.1');
process.once('SIGTERM', () => server.close());
