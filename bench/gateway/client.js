// A consumer in its own process, as a BI tool would be: node-postgres against the wire protocol.
//   node bench/gateway/client.js read <host> <port> <user> <token> <db> <sql>       → {"rows", "seconds"}
//   node bench/gateway/client.js load <host> <port> <user> <token> <db> <n> <seconds> → {"latencies": [...], "errors"}
import pg from 'pg';

const [mode, host, port, user, password, database, ...rest] = process.argv.slice(2);
const connect = async () => {
  const client = new pg.Client({ host, port: Number(port), user, password, database });
  await client.connect();
  return client;
};

if (mode === 'read') {
  const client = await connect();
  const t0 = performance.now();
  const answer = await client.query(rest[0]);
  const seconds = (performance.now() - t0) / 1000;
  await client.end();
  process.stdout.write(JSON.stringify({ rows: answer.rows.length, seconds }));
} else {
  const consumers = Number(rest[0]);
  const until = performance.now() + Number(rest[1]) * 1000;
  const latencies = [];
  let errors = 0;
  await Promise.all(
    Array.from({ length: consumers }, async (_, i) => {
      const client = await connect();
      while (performance.now() < until) {
        const t0 = performance.now();
        try {
          await client.query('select kind, count(*) from analytics.events where id < $1 group by kind', [String(1000 + i)]);
          latencies.push(performance.now() - t0);
        } catch {
          errors++;
        }
      }
      await client.end();
    }),
  );
  process.stdout.write(JSON.stringify({ latencies, errors }));
}
