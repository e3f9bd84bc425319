/**
 * `GET /api/docs`: a self-contained HTML reference (inline CSS, no script, nothing fetched from a CDN),
 * rendered from the OpenAPI document (openapi.ts) so the two always agree.
 */
type Json = Record<string, unknown>;

const esc = (s: unknown): string => String(s).replace(/[&<>"']/g, (ch) => `&#${ch.charCodeAt(0)};`);
const refName = (r: unknown): string => String(r).split("/").pop() ?? "";

function schemaLink(content: unknown): string {
  const schema = (content as { "application/json"?: { schema?: { $ref?: string } } } | undefined)?.["application/json"]?.schema;
  if (!schema?.$ref) return "";
  const name = refName(schema.$ref);
  return `<a href="#schema-${esc(name)}"><code>${esc(name)}</code></a>`;
}

function operation(method: string, path: string, op: Json): string {
  const params = (op.parameters as Json[] | undefined) ?? [];
  const rows = params.map((p) => `<tr><td><code>${esc(p.name)}</code></td><td>${esc(p.in)}</td><td>${p.required ? "yes" : ""}</td>`
    + `<td><code>${esc(JSON.stringify(p.schema))}</code>${p.description ? `<br>${esc(p.description)}` : ""}</td></tr>`).join("");
  const body = op.requestBody ? `<p>Body: ${schemaLink((op.requestBody as Json).content)}</p>` : "";
  const answers = Object.entries(op.responses as Record<string, Json>)
    .map(([status, r]) => `<li><b>${esc(status)}</b> ${esc(r.description)} ${schemaLink(r.content)}</li>`).join("");
  const auth = (op.security as unknown[] | undefined)?.length ? "token" : "none";
  return `<section class="op" id="${esc(op.operationId)}"><h3><span class="m ${esc(method)}">${esc(method.toUpperCase())}</span> <code>${esc(path)}</code></h3>`
    + `<p>${esc(op.summary)}${op.description ? ` ${esc(op.description)}` : ""} <span class="auth">auth: ${auth}</span></p>`
    + (rows ? `<table><tr><th>parameter</th><th>in</th><th>required</th><th>schema</th></tr>${rows}</table>` : "")
    + `${body}<ul>${answers}</ul></section>`;
}

/** Renders the reference page for `doc`. */
export function docsPage(doc: Json): string {
  const info = doc.info as Json;
  const byTag = new Map<string, string[]>();
  for (const [path, methods] of Object.entries(doc.paths as Record<string, Record<string, Json>>)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = String((op.tags as string[])[0]);
      byTag.set(tag, [...(byTag.get(tag) ?? []), operation(method, path, op)]);
    }
  }
  const schemas = Object.entries((doc.components as { schemas: Json }).schemas)
    .map(([name, s]) => `<section id="schema-${esc(name)}"><h3>${esc(name)}</h3><pre>${esc(JSON.stringify(s, null, 2))}</pre></section>`).join("");
  const toc = [...byTag.keys()].map((t) => `<a href="#tag-${esc(t)}">${esc(t)}</a>`).join(" · ");
  const groups = [...byTag.entries()].map(([t, ops]) => `<h2 id="tag-${esc(t)}">${esc(t)}</h2>${ops.join("")}`).join("");
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(info.title)}</title><style>
body{font:15px/1.5 system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;color:#1d2330}
code,pre{font:13px ui-monospace,monospace}pre{background:#f4f5f7;padding:.75rem;overflow:auto;border-radius:4px}
.op{border-top:1px solid #dde;padding:.5rem 0}.m{display:inline-block;min-width:4.5em;padding:0 .4em;border-radius:3px;color:#fff;font-size:13px;text-align:center}
.get{background:#2f6f4f}.post{background:#2a5caa}.patch,.put{background:#8a6d1d}.delete{background:#a33a3a}
table{border-collapse:collapse;font-size:14px}td,th{border:1px solid #dde;padding:.2rem .4rem;text-align:left;vertical-align:top}.auth{color:#667;font-size:13px}
</style></head><body><h1>${esc(info.title)}</h1><p>${esc(info.description)}</p>
<p>Machine-readable: <a href="/api/openapi.json"><code>/api/openapi.json</code></a> (OpenAPI 3.1). Authenticate with
<code>Authorization: Bearer &lt;token&gt;</code> or <code>Authentication: &lt;token&gt;</code>.</p><nav>${toc} · <a href="#schemas">Schemas</a></nav>
${groups}<h2 id="schemas">Schemas</h2>${schemas}</body></html>`;
}
