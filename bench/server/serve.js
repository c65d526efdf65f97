// `tessera serve` without request logs, for --quiet-server: the same startServer the CLI
// calls, with logger off and no schedules. node bench/server/serve.js <mesh> <port>
import { resolve } from 'node:path';
import { startServer } from '../../dist/server/index.js';

const [mesh, port] = process.argv.slice(2);
const server = await startServer({ root: resolve(mesh), port: Number(port), logger: false, schedule: false });
process.stderr.write(`serving ${mesh} at ${server.url} (no request logs)\n`);
const stop = () => void server.close().then(() => process.exit(0));
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
