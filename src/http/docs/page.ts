// The API reference at /docs: one server-rendered HTML page, a pure function of the OpenAPI document. It
// needs no script to be read; try.js (same origin) adds the forms that fetch a token and send a request.
import { escapeHtml } from '../../pages/render.ts';

export const DOCS_CSS_PATH = '/docs/docs.css';
export const DOCS_SCRIPT_PATH = '/docs/try.js';

// Loose shapes of the parts of the document the page reads.
type Schema = {
  $ref?: string;
  type?: string | string[];
  enum?: unknown[];
  format?: string;
  description?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  maxLength?: number;
};
type Media = { schema?: Schema; examples?: Record<string, { $ref?: string; value?: unknown; summary?: string }> };
type Parameter = { name: string; in: string; required?: boolean; description?: string; schema?: Schema };
type Operation = {
  tags?: string[];
  summary?: string;
  description?: string;
  security?: Record<string, string[]>[];
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, Media> };
  responses?: Record<string, { description?: string; content?: Record<string, Media> }>;
};
export interface ApiDocument {
  info: { title: string; version: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: {
    schemas?: Record<string, Schema>;
    examples?: Record<string, { summary?: string; value: unknown }>;
    securitySchemes?: Record<
      string,
      { type: string; flows?: { clientCredentials?: { tokenUrl: string; scopes: Record<string, string> } } }
    >;
  };
}

/** The little Markdown the document's texts use: paragraphs, "- " lists, `code` and **bold**. */
export function markdown(text: string): string {
  const inline = (s: string) =>
    escapeHtml(s)
      .replace(/`([^`]+)`/g, '<code>$1</code>')
      .replace(/\*\*([^*]+)\*\*/g, '<strong>$1</strong>');
  const out: string[] = [];
  for (const block of text.split(/\n{2,}/)) {
    const lines = block.split('\n');
    const para: string[] = [];
    const items: string[] = [];
    for (const line of lines) {
      if (line.startsWith('- ')) items.push(`<li>${inline(line.slice(2))}</li>`);
      else para.push(line);
    }
    if (para.length) out.push(`<p>${inline(para.join(' '))}</p>`);
    if (items.length) out.push(`<ul>${items.join('')}</ul>`);
  }
  return out.join('\n');
}

const refName = (ref: string) => ref.split('/').pop() ?? ref;
const opId = (method: string, path: string) => `op-${method}-${path.replace(/[^a-zA-Z0-9]+/g, '-').replace(/-+$/, '')}`;
const schemaLink = (ref: string) => `<a href="#schema-${escapeHtml(refName(ref))}">${escapeHtml(refName(ref))}</a>`;

function typeOf(s: Schema | undefined): string {
  if (!s) return '';
  if (s.$ref) return schemaLink(s.$ref);
  const base = Array.isArray(s.type) ? s.type.join(' | ') : (s.type ?? '');
  if (base === 'array') return `array of ${typeOf(s.items)}`;
  const extra = [s.format && `(${s.format})`, s.enum && `one of ${s.enum.map((v) => `<code>${escapeHtml(String(v))}</code>`).join(', ')}`];
  return [escapeHtml(base), ...extra.filter(Boolean)].join(' ');
}

/** A schema's properties as rows, nested objects (and arrays of objects) under dotted names. */
function propertyRows(s: Schema, prefix = ''): string[] {
  const rows: string[] = [];
  for (const [name, p] of Object.entries(s.properties ?? {})) {
    const full = `${prefix}${name}`;
    const required = s.required?.includes(name) ? 'yes' : '';
    rows.push(
      `<tr><th scope="row"><code>${escapeHtml(full)}</code></th><td>${typeOf(p)}</td><td>${required}</td><td>${markdown(p.description ?? '')}</td></tr>`,
    );
    if (p.properties) rows.push(...propertyRows(p, `${full}.`));
    if (p.items?.properties) rows.push(...propertyRows(p.items, `${full}[].`));
  }
  return rows;
}

function fieldTable(s: Schema, caption: string): string {
  const rows = propertyRows(s);
  if (!rows.length) return '';
  return `<div class="scroll" role="region" aria-label="${escapeHtml(caption)}" tabindex="0"><table><caption>${escapeHtml(caption)}</caption>
<thead><tr><th scope="col">Field</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead>
<tbody>${rows.join('\n')}</tbody></table></div>`;
}

function examplesOf(doc: ApiDocument, media: Media | undefined, label: string): string {
  return Object.entries(media?.examples ?? {})
    .map(([name, ex]) => {
      const resolved = ex.$ref ? doc.components?.examples?.[refName(ex.$ref)] : ex;
      const summary = resolved?.summary ?? name;
      return `<details><summary>${escapeHtml(label)}: ${escapeHtml(summary)}</summary><pre tabindex="0"><code>${escapeHtml(JSON.stringify(resolved?.value, null, 2))}</code></pre></details>`;
    })
    .join('\n');
}

function firstExample(doc: ApiDocument, media: Media | undefined): unknown {
  const first = Object.values(media?.examples ?? {})[0];
  if (!first) return undefined;
  return first.$ref ? doc.components?.examples?.[refName(first.$ref)]?.value : first.value;
}

function operation(doc: ApiDocument, method: string, path: string, op: Operation): string {
  const id = opId(method, path);
  const params = op.parameters ?? [];
  const paramRows = params
    .map(
      (p) =>
        `<tr><th scope="row"><code>${escapeHtml(p.name)}</code></th><td>${escapeHtml(p.in)}</td><td>${typeOf(p.schema)}</td><td>${p.required ? 'yes' : ''}</td><td>${markdown(p.description ?? '')}</td></tr>`,
    )
    .join('\n');
  const body = op.requestBody?.content ?? {};
  const [bodyType, bodyMedia] = Object.entries(body)[0] ?? [];
  const responses = Object.entries(op.responses ?? {});
  const responseRows = responses
    .map(([status, r]) => {
      const schema = r.content?.['application/json']?.schema;
      return `<tr><th scope="row">${escapeHtml(status)}</th><td>${markdown(r.description ?? '')}</td><td>${typeOf(schema)}</td></tr>`;
    })
    .join('\n');
  const responseExamples = responses.map(([status, r]) => examplesOf(doc, r.content?.['application/json'], `${status} example`)).join('\n');
  const auth = op.security
    ? `<p class="auth">Authentication: an access token from the token endpoint (OAuth2 client credentials), as <code>Authorization: Bearer</code>.</p>`
    : '';
  const example = firstExample(doc, bodyMedia);
  const pathParams = params.filter((p) => p.in === 'path');
  const tryForm = op.security
    ? `<form class="try" data-try data-method="${escapeHtml(method.toUpperCase())}" data-path="${escapeHtml(path)}" hidden>
<h4>Try it</h4>
${pathParams.map((p) => `<p><label for="${id}-${escapeHtml(p.name)}">${escapeHtml(p.name)}</label> <input id="${id}-${escapeHtml(p.name)}" name="${escapeHtml(p.name)}" required autocomplete="off"></p>`).join('\n')}
${bodyType ? `<p><label for="${id}-body">Request body (${escapeHtml(bodyType)})</label><br><textarea id="${id}-body" name="body" rows="12" spellcheck="false">${escapeHtml(JSON.stringify(example ?? {}, null, 2))}</textarea></p>` : ''}
<p><button type="submit">Send ${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}</button></p>
<output aria-live="polite"></output>
</form>`
    : '';
  return `<section id="${id}" aria-labelledby="${id}-h">
<h3 id="${id}-h"><span class="method">${escapeHtml(method.toUpperCase())}</span> <code>${escapeHtml(path)}</code></h3>
<p class="summary">${escapeHtml(op.summary ?? '')}</p>
${markdown(op.description ?? '')}
${auth}
${
  params.length
    ? `<div class="scroll" role="region" aria-label="Parameters of ${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}" tabindex="0"><table><caption>Parameters</caption><thead><tr><th scope="col">Name</th><th scope="col">In</th><th scope="col">Type</th><th scope="col">Required</th><th scope="col">Description</th></tr></thead><tbody>${paramRows}</tbody></table></div>`
    : ''
}
${bodyType ? `<p>Request body: <code>${escapeHtml(bodyType)}</code>, ${typeOf(bodyMedia?.schema)}</p>${bodyMedia?.schema?.$ref ? '' : fieldTable(bodyMedia?.schema ?? {}, `Request body of ${method.toUpperCase()} ${path}`)}` : ''}
${examplesOf(doc, bodyMedia, 'Request example')}
<div class="scroll" role="region" aria-label="Responses of ${escapeHtml(method.toUpperCase())} ${escapeHtml(path)}" tabindex="0"><table><caption>Responses</caption><thead><tr><th scope="col">Status</th><th scope="col">Meaning</th><th scope="col">Body</th></tr></thead><tbody>${responseRows}</tbody></table></div>
${responseExamples}
${tryForm}
</section>`;
}

/** The whole page. */
export function renderReference(doc: ApiDocument): string {
  const byTag = new Map<string, { method: string; path: string; op: Operation }[]>();
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const [method, op] of Object.entries(methods)) {
      const tag = op.tags?.[0] ?? 'Other';
      byTag.set(tag, [...(byTag.get(tag) ?? []), { method, path, op }]);
    }
  }
  // The integrator's order: sessions first, then how to get a token, then operations.
  const order = ['Sessions', 'OAuth', 'Operations'];
  const tags = [...byTag.keys()].sort((a, b) => (order.indexOf(a) + 1 || 99) - (order.indexOf(b) + 1 || 99));
  const oauth = Object.values(doc.components?.securitySchemes ?? {}).find((s) => s.type === 'oauth2')?.flows?.clientCredentials;
  const tokenPath = oauth ? new URL(oauth.tokenUrl).pathname : '';
  const scope = Object.keys(oauth?.scopes ?? {}).join(' ');
  const schemas = Object.entries(doc.components?.schemas ?? {});
  const nav = `<nav aria-label="Contents"><ul>
<li><a href="#guide">Guide</a></li>
${oauth ? '<li><a href="#try">Try a request</a></li>' : ''}
${tags.map((tag) => `<li><a href="#tag-${escapeHtml(tag)}">${escapeHtml(tag)}</a><ul>${(byTag.get(tag) ?? []).map(({ method, path, op }) => `<li><a href="#${opId(method, path)}">${escapeHtml(op.summary ?? `${method.toUpperCase()} ${path}`)}</a></li>`).join('')}</ul></li>`).join('\n')}
<li><a href="#schemas">Schemas</a><ul>${schemas.map(([name]) => `<li><a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a></li>`).join('')}</ul></li>
</ul></nav>`;
  const tryIt = oauth
    ? `<section id="try" aria-labelledby="try-h">
<h2 id="try-h">Try a request</h2>
<p>Get an access token from <code>POST ${escapeHtml(tokenPath)}</code> (client credentials, scope <code>${escapeHtml(scope)}</code>) with your client's id and secret, then send requests from the forms under each session operation. The token stays in this page only.</p>
<p class="nojs" data-nojs>The forms need JavaScript. Without it, use curl as in the guide.</p>
<form id="token-form" data-try data-token-path="${escapeHtml(tokenPath)}" data-scope="${escapeHtml(scope)}" hidden>
<p><label for="client-id">client_id</label> <input id="client-id" name="client_id" required autocomplete="off" spellcheck="false"></p>
<p><label for="client-secret">client_secret</label> <input id="client-secret" name="client_secret" type="password" required autocomplete="off"></p>
<p><button type="submit">Get a token</button></p>
<output id="token-status" aria-live="polite"></output>
</form>
</section>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>eidgate API reference</title>
<link rel="stylesheet" href="${DOCS_CSS_PATH}">
<script src="${DOCS_SCRIPT_PATH}" defer></script>
</head>
<body>
<header><p class="brand">eidgate</p></header>
<div class="layout">
${nav}
<main>
<h1>eidgate API reference</h1>
<p class="meta">${escapeHtml(doc.info.title)}, version ${escapeHtml(doc.info.version)}. The <a href="/openapi.json">OpenAPI 3.1 document</a> this page is made from.</p>
<section id="guide" aria-labelledby="guide-h">
<h2 id="guide-h">Guide</h2>
${markdown(doc.info.description ?? '')}
</section>
${tryIt}
${tags
  .map(
    (tag) => `<section id="tag-${escapeHtml(tag)}" aria-labelledby="tag-${escapeHtml(tag)}-h">
<h2 id="tag-${escapeHtml(tag)}-h">${escapeHtml(tag)}</h2>
${(byTag.get(tag) ?? []).map(({ method, path, op }) => operation(doc, method, path, op)).join('\n')}
</section>`,
  )
  .join('\n')}
<section id="schemas" aria-labelledby="schemas-h">
<h2 id="schemas-h">Schemas</h2>
${schemas.map(([name, s]) => `<section id="schema-${escapeHtml(name)}" aria-labelledby="schema-${escapeHtml(name)}-h"><h3 id="schema-${escapeHtml(name)}-h">${escapeHtml(name)}</h3>${markdown(s.description ?? '')}${fieldTable(s, `Fields of ${name}`)}</section>`).join('\n')}
</section>
</main>
</div>
</body>
</html>
`;
}
