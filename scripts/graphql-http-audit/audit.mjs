// The GraphQL-over-HTTP audit suite of graphql-http against a running server.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql/
// Prints one JSON array: {id, name, status ("ok", "warn", "notice", "error"), reason}.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}
const results = await auditServer({ url });
const report = [];
for (const result of results) {
  let reason = result.reason ?? null;
  if (result.status !== 'ok' && result.response) {
    const body = await result.response.text().catch(() => '');
    reason = `${reason} [${result.response.status} ${result.response.headers.get('content-type')}] ${body.slice(0, 300)}`;
  }
  report.push({ id: result.id, name: result.name, status: result.status, reason });
}
console.log(JSON.stringify(report));
