// Builds the docs site: the guides and concepts (Markdown) as pages with one navigation, and the
// API reference rendered from the API's OpenAPI document. The API serves dist/ at /docs; the same
// files work from any static host.
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Marked } from 'marked';

const here = path.dirname(fileURLToPath(import.meta.url));
const SECTIONS = ['guides', 'concepts'];

/** Relative links in the Markdown that point at nothing. */
export function brokenLinks(dirs = SECTIONS.map((s) => path.join(here, s))) {
  const broken = [];
  for (const dir of [dirs].flat()) {
    for (const file of readdirSync(dir).filter((f) => f.endsWith('.md'))) {
      const text = readFileSync(path.join(dir, file), 'utf8');
      for (const [, target] of text.matchAll(/\]\(([^)#\s]+)(?:#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target) || target.startsWith('/')) continue;
        try {
          readFileSync(path.join(dir, target));
        } catch {
          broken.push(`${file} -> ${target}`);
        }
      }
    }
  }
  return broken;
}

const escapeHtml = (s) =>
  String(s ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
// Descriptions in the OpenAPI document are Markdown (backticks, links), without raw HTML.
const prose = (text) => (text ? marked.parseInline(escapeHtml(text)) : '');
const titleOf = (markdown) => /^# (.+)$/m.exec(markdown)?.[1] ?? 'Voltshare';

// Links between pages point at the .md sources; the site serves .html.
const marked = new Marked({
  walkTokens(token) {
    if (token.type === 'link' && !/^[a-z]+:/.test(token.href) && !token.href.startsWith('/')) token.href = token.href.replace(/\.md(#|$)/, '.html$1');
  },
});

function pagesOf(section) {
  return readdirSync(path.join(here, section))
    .filter((f) => f.endsWith('.md'))
    .sort()
    .map((file) => {
      const markdown = readFileSync(path.join(here, section, file), 'utf8');
      return { section, slug: file.replace(/\.md$/, ''), title: titleOf(markdown), markdown };
    });
}

const STYLE = `
  :root { --ink: #102a43; --muted: #486581; --brand: #0b6b66; --line: #d9e2ec; }
  * { box-sizing: border-box; }
  body { margin: 0; font: 16px/1.6 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); display: grid; grid-template-columns: 260px 1fr; min-height: 100vh; }
  nav { background: #f0f4f8; padding: 20px; border-right: 1px solid var(--line); position: sticky; top: 0; height: 100vh; overflow: auto; }
  nav a { display: block; color: var(--ink); text-decoration: none; padding: 3px 0; font-size: 15px; }
  nav a[aria-current="page"] { color: var(--brand); font-weight: 700; }
  nav h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .08em; color: var(--muted); margin: 18px 0 4px; }
  nav .brand { font-weight: 800; font-size: 18px; color: var(--brand); }
  main { padding: 28px 44px; max-width: 980px; }
  a { color: var(--brand); }
  pre { background: #102a43; color: #f0f4f8; padding: 14px; border-radius: 8px; overflow: auto; font-size: 13.5px; }
  code { font: 13.5px/1.5 ui-monospace, SFMono-Regular, Menlo, monospace; }
  :not(pre) > code { background: #eef2f6; padding: 1px 5px; border-radius: 4px; }
  table { border-collapse: collapse; margin: 12px 0; font-size: 14.5px; }
  th, td { border: 1px solid var(--line); padding: 6px 10px; text-align: left; vertical-align: top; }
  .op { border: 1px solid var(--line); border-radius: 8px; padding: 12px 16px; margin: 14px 0; }
  .op h3 { margin: 0 0 6px; font-size: 16px; }
  .method { display: inline-block; min-width: 62px; text-align: center; color: #fff; border-radius: 4px; font-size: 12px; font-weight: 700; padding: 2px 6px; margin-right: 8px; }
  .get { background: #1a5fb4; } .post { background: #1b7a34; } .patch, .put { background: #8a5a00; } .delete { background: #b3261e; }
  .muted { color: var(--muted); font-size: 14px; }
  @media (max-width: 800px) { body { grid-template-columns: 1fr; } nav { border-right: 0; position: static; height: auto; } }
`;

function layout({ title, body, current, pages, depth }) {
  const up = depth ? '../' : '';
  const link = (href, label, id) => `<a href="${up}${href}"${id === current ? ' aria-current="page"' : ''}>${escapeHtml(label)}</a>`;
  const nav = [
    `<a class="brand" href="${up}index.html">⚡ Voltshare docs</a>`,
    link('index.html', 'Quick start', 'index'),
    ...SECTIONS.flatMap((section) => [
      `<h2>${section === 'guides' ? 'Guides' : 'Concepts'}</h2>`,
      ...pages.filter((p) => p.section === section && p.slug !== 'quick-start').map((p) => link(`${section}/${p.slug}.html`, p.title, `${section}/${p.slug}`)),
    ]),
    '<h2>Reference</h2>',
    link('reference.html', 'API reference', 'reference'),
    `<a href="${up}api/">Try it (interactive)</a>`,
    '<a href="/v1/openapi.json">OpenAPI document</a>',
  ].join('\n');
  return `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)} — Voltshare</title><style>${STYLE}</style></head>
<body><nav aria-label="Documentation">${nav}</nav><main>${body}</main></body></html>\n`;
}

/** The API reference: every operation by tag, then every schema, from the OpenAPI document. */
export function renderReference(spec) {
  const ref = (schema) => {
    if (!schema) return '';
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop();
      return `<a href="#schema-${escapeHtml(name)}">${escapeHtml(name)}</a>`;
    }
    if (schema.type === 'array') return `${ref(schema.items)}[]`;
    if (schema.enum) return schema.enum.map((v) => `<code>${escapeHtml(v)}</code>`).join(' | ');
    if (schema.anyOf || schema.oneOf || schema.allOf) return (schema.anyOf ?? schema.oneOf ?? schema.allOf).map(ref).join(schema.allOf ? ' & ' : ' | ');
    return escapeHtml(schema.type ?? 'object') + (schema.nullable ? ' | null' : '');
  };
  const byTag = new Map();
  for (const [route, item] of Object.entries(spec.paths)) {
    for (const [method, op] of Object.entries(item)) {
      const tag = op.tags?.[0] ?? 'Other';
      if (!byTag.has(tag)) byTag.set(tag, []);
      byTag.get(tag).push({ route, method, op });
    }
  }
  const operations = [...byTag.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([tag, ops]) => {
      const rendered = ops.map(({ route, method, op }) => {
        const params = (op.parameters ?? []).map(
          (p) =>
            `<tr><td><code>${escapeHtml(p.name)}</code></td><td>${escapeHtml(p.in)}${p.required ? ', required' : ''}</td><td>${ref(p.schema)}</td><td>${prose(p.description)}</td></tr>`,
        );
        const body = op.requestBody?.content?.['application/json']?.schema;
        const responses = Object.entries(op.responses ?? {}).map(([status, r]) => {
          const schema = r.content && Object.values(r.content)[0]?.schema;
          return `<tr><td>${escapeHtml(status)}</td><td>${escapeHtml(r.description ?? '')}</td><td>${ref(schema)}</td></tr>`;
        });
        const security = (op.security ?? []).flatMap((s) =>
          Object.entries(s).map(([name, scopes]) => (scopes.length ? `${name} (${scopes.join(', ')})` : name)),
        );
        return `<section class="op" id="op-${escapeHtml(op.operationId)}">
<h3><span class="method ${method}">${method.toUpperCase()}</span><code>${escapeHtml(route)}</code></h3>
${op.summary || op.description ? `<p>${prose(op.description ?? op.summary)}</p>` : ''}
<p class="muted">${security.length ? `Credential: ${escapeHtml(security.join(' or '))}` : 'No credential needed'}</p>
${params.length ? `<table><thead><tr><th>Parameter</th><th>In</th><th>Type</th><th>Description</th></tr></thead><tbody>${params.join('')}</tbody></table>` : ''}
${body ? `<p>Body: ${ref(body)}</p>` : ''}
<table><thead><tr><th>Status</th><th>Meaning</th><th>Body</th></tr></thead><tbody>${responses.join('')}</tbody></table>
</section>`;
      });
      return `<h2 id="tag-${escapeHtml(tag)}">${escapeHtml(tag)}</h2>${rendered.join('\n')}`;
    });
  const schemas = Object.entries(spec.components?.schemas ?? {}).map(([name, schema]) => {
    const props = Object.entries(schema.properties ?? {}).map(
      ([prop, s]) =>
        `<tr><td><code>${escapeHtml(prop)}</code>${(schema.required ?? []).includes(prop) ? '' : '?'}</td><td>${ref(s)}</td><td>${prose(s.description)}</td></tr>`,
    );
    const shape = props.length ? `<table><tbody>${props.join('')}</tbody></table>` : `<p>${ref(schema)}</p>`;
    return `<section id="schema-${escapeHtml(name)}"><h3>${escapeHtml(name)}</h3>${schema.description ? `<p>${prose(schema.description)}</p>` : ''}${shape}</section>`;
  });
  const toc = [...byTag.keys()]
    .sort()
    .map((t) => `<a href="#tag-${escapeHtml(t)}">${escapeHtml(t)}</a>`)
    .join(' · ');
  return `<h1>API reference</h1><p>${escapeHtml(spec.info?.title)} ${escapeHtml(spec.info?.version)} — generated from the OpenAPI document. Errors are
<a href="guides/errors.html">problem+json</a>; lists use cursor pagination.</p><p>${toc}</p>${operations.join('\n')}<h2 id="schemas">Schemas</h2>${schemas.join('\n')}`;
}

export function buildSite(outDir = path.join(here, 'dist')) {
  const broken = brokenLinks();
  if (broken.length) throw new Error(`broken links:\n${broken.join('\n')}`);
  const spec = JSON.parse(readFileSync(createRequire(import.meta.url).resolve('@voltshare/api/openapi.json'), 'utf8'));
  rmSync(outDir, { recursive: true, force: true });
  const pages = SECTIONS.flatMap(pagesOf);
  for (const section of SECTIONS) mkdirSync(path.join(outDir, section), { recursive: true });
  for (const page of pages) {
    const id = `${page.section}/${page.slug}`;
    writeFileSync(
      path.join(outDir, page.section, `${page.slug}.html`),
      layout({ title: page.title, body: marked.parse(page.markdown), current: id, pages, depth: 1 }),
    );
  }
  const start = pages.find((p) => p.slug === 'quick-start');
  // The index is the quick start, with its links made relative to the site root.
  const index = marked
    .parse(start.markdown)
    .replace(/href="(?!https?:|\/|#|\.\.\/)([^"]+)"/g, 'href="guides/$1"')
    .replace(/href="\.\.\/([^"]+)"/g, 'href="$1"');
  writeFileSync(path.join(outDir, 'index.html'), layout({ title: 'Quick start', body: index, current: 'index', pages, depth: 0 }));
  writeFileSync(path.join(outDir, 'reference.html'), layout({ title: 'API reference', body: renderReference(spec), current: 'reference', pages, depth: 0 }));
  // The Markdown sources too, for readers who prefer them.
  for (const section of SECTIONS) cpSync(path.join(here, section), path.join(outDir, section), { recursive: true });
  return { pages: pages.length + 2, operations: Object.values(spec.paths).reduce((n, item) => n + Object.keys(item).length, 0) };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const built = buildSite();
  console.log(`docs: ${built.pages} pages, ${built.operations} operations in the reference → docs/dist`);
}
