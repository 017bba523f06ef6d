import { DOC_SECTIONS, ERROR_ROWS } from './description';

/**
 * `/docs`: a readable reference rendered on the server from the OpenAPI document. Plain HTML
 * and inline CSS, no script and nothing from a CDN, so it works offline and under our CSP.
 */
type Json = Record<string, unknown>;

const escape = (s: string) => s.replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
/** Escapes, then turns `code` spans into <code>. */
const prose = (s: string) => escape(s).replace(/`([^`]+)`/g, '<code>$1</code>');
const pretty = (v: unknown) => `<pre>${escape(JSON.stringify(v, null, 2))}</pre>`;

interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  security?: Json[];
  parameters?: { name: string; in: string; required?: boolean; description?: string }[];
  requestBody?: { content: Record<string, { schema: unknown }> };
  responses?: Record<
    string,
    { description?: string; content?: Record<string, { schema: unknown }> }
  >;
}

function operation(method: string, path: string, op: Operation): string {
  const params = op.parameters?.length
    ? `<table><tr><th>name</th><th>in</th><th></th><th>description</th></tr>${op.parameters
        .map(
          (p) =>
            `<tr><td><code>${escape(p.name)}</code></td><td>${escape(p.in)}</td><td>${p.required ? 'required' : ''}</td><td>${prose(p.description ?? '')}</td></tr>`
        )
        .join('')}</table>`
    : '';
  const auth = op.security?.length
    ? `<p class="auth">Auth: ${op.security.map((s) => escape(Object.keys(s).join(' + '))).join(' or ')}</p>`
    : '';
  const request = op.requestBody
    ? `<details><summary>Request body</summary>${pretty(op.requestBody.content['application/json']?.schema)}</details>`
    : '';
  const responses = Object.entries(op.responses ?? {})
    .map(([status, r]) => {
      const schema = r.content?.['application/json']?.schema;
      const label = `<b>${escape(status)}</b> ${escape(r.description ?? '')}`;
      return schema
        ? `<details><summary>${label}</summary>${pretty(schema)}</details>`
        : `<p>${label}</p>`;
    })
    .join('');
  return `<section class="op" id="${escape(`${method}-${path}`)}">
<h3><span class="m ${escape(method)}">${escape(method.toUpperCase())}</span> <code>${escape(path)}</code></h3>
<p>${prose(op.summary ?? '')}</p>${op.description ? `<p>${prose(op.description)}</p>` : ''}${auth}${params}${request}${responses}</section>`;
}

export function renderDocsPage(doc: Json): string {
  const info = doc.info as { title: string; version: string };
  const paths = doc.paths as Record<string, Record<string, Operation>>;
  const byTag = new Map<string, string[]>();
  for (const [path, ops] of Object.entries(paths)) {
    for (const [method, op] of Object.entries(ops)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  const sections = DOC_SECTIONS.map(
    (s) => `<h2>${escape(s.title)}</h2>${s.body.map((p) => `<p>${prose(p)}</p>`).join('')}`
  ).join('');
  const errors = `<h2>Error codes</h2><table><tr><th>code</th><th>HTTP</th><th>message</th></tr>${ERROR_ROWS.map(
    (r) => `<tr><td>${r.code}</td><td>${r.status}</td><td>${escape(r.message)}</td></tr>`
  ).join('')}</table>`;
  const endpoints = [...byTag.entries()]
    .map(([tag, ops]) => `<h2>${escape(tag)}</h2>${ops.join('')}`)
    .join('');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escape(info.title)}</title>
<style>
body{font:15px/1.55 system-ui,sans-serif;max-width:960px;margin:0 auto;padding:1.5rem;color:#1c1f24}
code,pre{font:13px ui-monospace,monospace;background:#f3f4f6;border-radius:4px}code{padding:0 .25em}
pre{padding:.75rem;overflow:auto}table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #d9dce1;padding:.25rem .5rem;text-align:left;vertical-align:top}
.op{border:1px solid #d9dce1;border-radius:8px;padding:.25rem 1rem;margin:1rem 0}.m{display:inline-block;min-width:4.5em;color:#fff;border-radius:4px;padding:0 .4em;font-size:13px;text-align:center}
.get{background:#1f6feb}.post{background:#1a7f37}.delete{background:#cf222e}.auth{color:#57606a}summary{cursor:pointer}
</style></head><body>
<h1>${escape(info.title)} <small>${escape(info.version)}</small></h1>
<p>Machine-readable: <a href="/openapi.json">/openapi.json</a></p>
${sections}${errors}${endpoints}
</body></html>`;
}
