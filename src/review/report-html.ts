import type { Diagnostic, Severity } from '../diagnostic.js';
import { attr, sourceOffset, XML_NS, type XmlElement, type XmlNode, type XmlText } from '../util/xml-positions.js';
import { targetKind, type Analysis, type Candidate, type Finding, type FindingKind } from './analyse.js';

/** Escapes text and attribute values alike: every string from a document goes through here. */
export function esc(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const KIND_LABEL: Record<string, string> = { person: 'person', personGrp: 'group', place: 'place', org: 'organisation', event: 'event', object: 'object', work: 'work', other: 'other element', unresolved: 'pointer to nothing' };
const KIND_COLOUR: Record<string, string> = { person: '#1f5fbf', personGrp: '#6a3fb5', place: '#1b7a3a', org: '#9a4700', event: '#9b1c5a', object: '#4d5b00', work: '#00617a', other: '#555555', unresolved: '#b00020' };
const GROUPS: Array<{ kind: FindingKind; title: string; intro: string }> = [
  { kind: 'validate', title: 'Validation', intro: 'What teikit validate reports: well-formedness, schema, Schematron, pointers.' },
  { kind: 'untagged', title: 'Untagged and mislinked mentions', intro: 'Names from the registers (and forms used in tagged mentions) that occur in the text without a link to their entry, and links whose words are registered for another entry.' },
  { kind: 'registers', title: 'Registers', intro: 'Entries never referenced, pointers to missing entries, entries without a name, type or note, entries with the same name.' },
  { kind: 'consistency', title: 'Consistency', intro: 'The same words linked to different entries; one entry tagged with different elements.' },
  { kind: 'quotations', title: 'Quotations', intro: 'Quotations without a speaker (@who) or a classification (@ana). Information only: the source may give none.' },
];
/** Elements laid out as blocks; everything else flows inline. */
const BLOCKS = new Set([
  'text', 'front', 'body', 'back', 'group', 'div', 'div1', 'div2', 'div3', 'div4', 'div5', 'p', 'ab', 'head', 'lg', 'l', 'sp', 'speaker', 'stage', 'list', 'item',
  'dateline', 'opener', 'closer', 'salute', 'signed', 'postscript', 'note', 'table', 'row', 'cell', 'figure', 'floatingText', 'epigraph', 'argument', 'byline',
  'docTitle', 'titlePage', 'trailer', 'listBibl', 'cit', 'fw', 'castList', 'castItem', 'entry', 'sense',
]);
/** Line-anchor lookup for diagnostics that have only a line (validate's, say). */
interface Anchors {
  lines: number[];
}

export interface ReportInput {
  analysis: Analysis;
  /** validate's diagnostics and review's own, already merged and sorted. */
  findings: Finding[];
  generator: string;
}

/** One standalone HTML page: summary, findings with links into the text, statistics, registers, the tagged text. */
export function renderReport(input: ReportInput): string {
  const { analysis: a, findings } = input;
  const anchors: Anchors = { lines: [] };
  const textHtml = a.textRoots.map((t) => renderText(a, t, anchors)).join('');
  const counts: Record<Severity, number> = { error: 0, warning: 0, info: 0 };
  for (const f of findings) counts[f.diagnostic.severity]++;
  const title = `Review of ${a.file}`;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(input.generator)}">
<title>${esc(title)}</title>
<style>${CSS}</style>
</head>
<body>
<a class="skip" href="#text">Skip to the text</a>
<header>
<h1>${esc(title)}</h1>
${a.title ? `<p class="doc-title">${esc(a.title)}</p>` : ''}
<section aria-labelledby="summary-h" class="summary">
<h2 id="summary-h">Summary</h2>
<ul class="counts">
<li class="sev-error"><span class="n">${counts.error}</span> error${counts.error === 1 ? '' : 's'}</li>
<li class="sev-warning"><span class="n">${counts.warning}</span> warning${counts.warning === 1 ? '' : 's'}</li>
<li class="sev-info"><span class="n">${counts.info}</span> information</li>
</ul>
<ul class="kinds">
${GROUPS.map((g) => {
  const n = findings.filter((f) => f.kind === g.kind).length;
  return `<li><a href="#f-${g.kind}">${esc(g.title)}</a>: ${n}</li>`;
}).join('\n')}
</ul>
<p class="figures">${a.stats.words.toLocaleString('en')} words · ${a.stats.linkedMentions} linked mentions (${a.stats.mentionsPer1000Words} per 1,000 words) · ${a.candidates.length} untagged candidates · ${a.stats.referencedEntities} of ${a.stats.entities} register entries referenced${a.stats.entities ? ` (${Math.round((a.stats.referencedEntities / a.stats.entities) * 100)}%)` : ''} · ${a.quotations.length} quotations</p>
</section>
</header>
<nav aria-label="Contents">
<ul>
<li><a href="#findings">Findings</a></li>
<li><a href="#quotations">Quotations</a></li>
<li><a href="#statistics">Statistics</a></li>
<li><a href="#registers">Registers</a></li>
<li><a href="#text">Text</a></li>
</ul>
</nav>
<main>
<section id="findings" aria-labelledby="findings-h">
<h2 id="findings-h">Findings</h2>
${GROUPS.map((g) => renderGroup(a, g, findings.filter((f) => f.kind === g.kind), anchors)).join('\n')}
</section>
${renderQuotations(a)}
${renderStatistics(a)}
${renderRegisters(a)}
<section id="text" aria-labelledby="text-h">
<h2 id="text-h">Text</h2>
${renderLegend()}
<div class="tei"${a.lang ? ` lang="${esc(a.lang)}"` : ''}>
${textHtml || '<p>The document has no <code>text</code> element: nothing to show here.</p>'}
</div>
</section>
</main>
<footer><p>Made by ${esc(input.generator)}. Hover over or focus (Tab) a marked name to see its element and target.</p></footer>
</body>
</html>
`;
}

function sevBadge(s: Severity): string {
  return `<span class="sev sev-${s}">${s === 'info' ? 'information' : s}</span>`;
}

function linkFor(a: Analysis, f: Finding, anchors: Anchors): string | null {
  if (f.anchor) return f.anchor;
  const line = f.diagnostic.line;
  if (line === null) return null;
  // A line inside the running text: the nearest anchored line at or before it.
  const inText = a.textRoots.some((t) => a.doc.position(t.start).line <= line && a.doc.position(t.end).line >= line);
  if (inText) {
    let best: number | null = null;
    for (const l of anchors.lines) if (l <= line && (best === null || l > best)) best = l;
    if (best !== null) return `L${best}`;
  }
  for (const e of a.entities.values()) if (e.line <= line && a.doc.position(e.el.end).line >= line) return `e-${e.id}`;
  return null;
}

function where(d: Diagnostic): string {
  return d.line === null ? 'file' : `line ${d.line}${d.column !== null ? `:${d.column}` : ''}`;
}

function renderGroup(a: Analysis, g: (typeof GROUPS)[number], list: Finding[], anchors: Anchors): string {
  const items = list
    .map((f) => {
      const target = linkFor(a, f, anchors);
      const loc = target ? `<a href="#${esc(target)}">${where(f.diagnostic)}</a>` : `<span>${where(f.diagnostic)}</span>`;
      return `<li class="finding sev-${f.diagnostic.severity}">${sevBadge(f.diagnostic.severity)} ${loc} <span class="msg">${esc(f.diagnostic.message)}</span> <code class="code">${esc(f.diagnostic.code)}</code></li>`;
    })
    .join('\n');
  return `<section id="f-${g.kind}" aria-labelledby="f-${g.kind}-h" class="group">
<h3 id="f-${g.kind}-h">${esc(g.title)} <span class="count">(${list.length})</span></h3>
<p class="intro">${esc(g.intro)}</p>
${list.length ? `<ul class="findings">\n${items}\n</ul>` : '<p class="none">Nothing found.</p>'}
</section>`;
}

function renderQuotations(a: Analysis): string {
  const rows = a.quotations
    .map(
      (q) => `<tr><td><a href="#q-${q.index}">${esc(q.id ?? `<${q.element}>`)}</a></td><td>${q.line}</td><td>${q.speakers.length ? esc(q.speakers.join('; ')) : '<span class="missing">no speaker</span>'}</td><td>${q.stances.length ? esc(q.stances.join('; ')) : q.ana.length ? esc(q.ana.map((x) => '#' + x).join(' ')) : '<span class="missing">no classification</span>'}</td><td class="qt">${esc(q.text)}</td></tr>`,
    )
    .join('\n');
  return `<section id="quotations" aria-labelledby="quotations-h">
<h2 id="quotations-h">Quotations (${a.quotations.length})</h2>
${a.quotations.length ? `<div class="scroll"><table><caption>Every quotation (said, q, quote) in the text with its speaker (@who) and stance (@ana)</caption>
<thead><tr><th scope="col">Quotation</th><th scope="col">Line</th><th scope="col">Speaker</th><th scope="col">Stance</th><th scope="col">Text</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>` : '<p class="none">No quotations in the text.</p>'}
</section>`;
}

function renderRegisters(a: Analysis): string {
  const stats = new Map(a.stats.perEntity.map((s) => [s.id, s]));
  const rows = [...a.entities.values()]
    .map((e) => {
      const s = stats.get(e.id)!;
      return `<tr id="e-${esc(e.id)}"><td><code>${esc(e.id)}</code></td><td><span class="dot k-${esc(e.kind)}" aria-hidden="true"></span>${esc(KIND_LABEL[e.kind] ?? e.kind)}</td><td>${e.type ? esc(e.type) : '<span class="missing">none</span>'}</td><td>${e.names.length ? esc(e.label) : '<span class="missing">no name</span>'}</td><td>${e.line}</td><td class="num">${s.tagged}</td><td class="num">${s.untagged ? `<strong class="warn">${s.untagged}</strong>` : '0'}</td></tr>`;
    })
    .join('\n');
  return `<section id="registers" aria-labelledby="registers-h">
<h2 id="registers-h">Registers (${a.entities.size} entries)</h2>
${a.entities.size ? `<div class="scroll"><table><caption>Register entries with the mentions linked to them and the untagged candidates found</caption>
<thead><tr><th scope="col">Id</th><th scope="col">Kind</th><th scope="col">Type</th><th scope="col">Name</th><th scope="col">Line</th><th scope="col">Tagged</th><th scope="col">Untagged</th></tr></thead>
<tbody>
${rows}
</tbody></table></div>` : '<p class="none">No register entries (person, personGrp, place, org, event with an xml:id).</p>'}
</section>`;
}

function renderLegend(): string {
  const kinds = ['person', 'personGrp', 'place', 'org', 'event'];
  return `<div class="legend" role="group" aria-label="Legend">
<span>Legend:</span>
${kinds.map((k) => `<span class="ent k-${k}">${esc(KIND_LABEL[k]!)}</span>`).join(' ')}
<span class="ent k-unresolved">pointer to nothing</span>
<mark class="cand">untagged candidate</mark>
<span class="q-demo">quotation</span>
<label class="toggle"><input type="checkbox" id="show-tags" checked> show element names</label>
</div>`;
}

/** Horizontal bar chart: one labelled bar per row, optionally a second (untagged) segment. */
function barChart(id: string, title: string, desc: string, rows: Array<{ label: string; value: number; extra?: number; colour: string }>): string {
  const rowH = 22;
  const labelW = 270;
  const barW = 380;
  const max = Math.max(1, ...rows.map((r) => r.value + (r.extra ?? 0)));
  const h = rows.length * rowH + 10;
  const bars = rows
    .map((r, i) => {
      const y = i * rowH + 5;
      const w = (r.value / max) * barW;
      const w2 = ((r.extra ?? 0) / max) * barW;
      const label = r.label.length > 38 ? r.label.slice(0, 37) + '…' : r.label;
      return `<g><title>${esc(`${r.label}: ${r.value}${r.extra ? ` tagged, ${r.extra} untagged` : ''}`)}</title>
<text x="${labelW - 6}" y="${y + 15}" text-anchor="end">${esc(label)}</text>
<rect x="${labelW}" y="${y + 3}" width="${w.toFixed(1)}" height="${rowH - 8}" fill="${r.colour}"/>
${w2 ? `<rect x="${(labelW + w).toFixed(1)}" y="${y + 3}" width="${w2.toFixed(1)}" height="${rowH - 8}" fill="url(#hatch)" stroke="#b00020"/>` : ''}
<text x="${(labelW + w + w2 + 4).toFixed(1)}" y="${y + 15}">${r.value}${r.extra ? ` + ${r.extra}` : ''}</text></g>`;
    })
    .join('\n');
  return `<figure><svg class="chart" role="img" aria-labelledby="${id}-t ${id}-d" viewBox="0 0 ${labelW + barW + 60} ${h}" width="${labelW + barW + 60}" height="${h}">
<title id="${id}-t">${esc(title)}</title><desc id="${id}-d">${esc(desc)}</desc>
${rows.some((r) => r.extra) ? HATCH : ''}
${bars}
</svg><figcaption>${esc(title)}</figcaption></figure>`;
}

/** Fill of untagged segments; only the per-entity chart has them, so the pattern id occurs once. */
const HATCH = `<defs><pattern id="hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#ffe066"/><line x1="0" y1="0" x2="0" y2="6" stroke="#b00020" stroke-width="2"/></pattern></defs>`;

/** Where in the text each entity is mentioned: one row per entity, a tick per mention. */
function dispersion(a: Analysis, ids: string[]): string {
  const rowH = 20;
  const labelW = 270;
  const w = 420;
  const h = ids.length * rowH + 30;
  const stats = new Map(a.stats.perEntity.map((s) => [s.id, s]));
  const rows = ids
    .map((id, i) => {
      const e = a.entities.get(id)!;
      const s = stats.get(id)!;
      const y = i * rowH + 5;
      const label = e.label.length > 38 ? e.label.slice(0, 37) + '…' : e.label;
      const ticks = s.taggedAt.map((p) => `<rect x="${(labelW + p * w).toFixed(1)}" y="${y + 3}" width="2" height="${rowH - 6}" fill="${KIND_COLOUR[e.kind] ?? '#444'}"/>`).join('');
      const cands = s.untaggedAt.map((p) => `<circle cx="${(labelW + p * w + 1).toFixed(1)}" cy="${y + rowH / 2}" r="4" fill="#ffe066" stroke="#b00020" stroke-width="1.5"/>`).join('');
      return `<g><title>${esc(`${e.label}: ${s.tagged} tagged, ${s.untagged} untagged`)}</title><text x="${labelW - 6}" y="${y + 14}" text-anchor="end">${esc(label)}</text><line x1="${labelW}" x2="${labelW + w}" y1="${y + rowH / 2}" y2="${y + rowH / 2}" stroke="#ccc"/>${ticks}${cands}</g>`;
    })
    .join('\n');
  const axisY = ids.length * rowH + 12;
  return `<figure><svg class="chart" role="img" aria-labelledby="disp-t disp-d" viewBox="0 0 ${labelW + w + 40} ${h}" width="${labelW + w + 40}" height="${h}">
<title id="disp-t">Where in the text each entity is mentioned</title><desc id="disp-d">One row per entity, from the beginning of the text (left) to its end (right); bars are tagged mentions, yellow circles untagged candidates.</desc>
${rows}
<line x1="${labelW}" x2="${labelW + w}" y1="${axisY}" y2="${axisY}" stroke="#555"/>
<text x="${labelW}" y="${axisY + 14}">start</text><text x="${labelW + w}" y="${axisY + 14}" text-anchor="end">end of text</text>
</svg><figcaption>Where in the text each entity is mentioned (bars: tagged; circles: untagged candidates)</figcaption></figure>`;
}

function renderStatistics(a: Analysis): string {
  const s = a.stats;
  const top = s.perEntity.filter((e) => e.tagged + e.untagged > 0).slice(0, 25);
  const kindRows = Object.entries(s.perKind)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => ({ label: KIND_LABEL[k] ?? k, value: v, colour: KIND_COLOUR[k] ?? '#444' }));
  const entityRows = top.map((e) => {
    const ent = a.entities.get(e.id)!;
    return { label: ent.label, value: e.tagged, extra: e.untagged, colour: KIND_COLOUR[ent.kind] ?? '#444' };
  });
  const elementRows = Object.entries(s.perElement)
    .sort((x, y) => y[1] - x[1])
    .map(([k, v]) => `<tr><th scope="row"><code>${esc(k)}</code></th><td class="num">${v}</td></tr>`)
    .join('');
  const entityTable = s.perEntity
    .map((e) => `<tr><th scope="row"><a href="#e-${esc(e.id)}">${esc(a.entities.get(e.id)?.label ?? e.id)}</a></th><td class="num">${e.tagged}</td><td class="num">${e.untagged}</td></tr>`)
    .join('');
  return `<section id="statistics" aria-labelledby="statistics-h">
<h2 id="statistics-h">Statistics</h2>
<dl class="figures-list">
<div><dt>Words in the text</dt><dd>${s.words.toLocaleString('en')}</dd></div>
<div><dt>Linked mentions</dt><dd>${s.linkedMentions}</dd></div>
<div><dt>Linked mentions per 1,000 words</dt><dd>${s.mentionsPer1000Words}</dd></div>
<div><dt>Register entries referenced</dt><dd>${s.referencedEntities} of ${s.entities}${s.entities ? ` (${Math.round((s.referencedEntities / s.entities) * 100)}%)` : ''}</dd></div>
<div><dt>Untagged candidates</dt><dd>${a.candidates.length}</dd></div>
</dl>
<h3>Mentions per entity type</h3>
${kindRows.length ? barChart('kinds', 'Links from mentions to register entries, per entity type', 'Horizontal bars, one per entity type, length proportional to the number of links.', kindRows) : '<p class="none">No linked mentions.</p>'}
<h3>Mentions per entity</h3>
${entityRows.length ? barChart('entities', `Mentions per entity (the ${entityRows.length} most mentioned)`, 'Horizontal bars, one per entity: solid for tagged mentions, hatched for untagged candidates.', entityRows) : '<p class="none">No mentions.</p>'}
<h3>Where the entities are mentioned</h3>
${top.length ? dispersion(a, top.map((e) => e.id)) : '<p class="none">No mentions.</p>'}
<h3>Counts</h3>
<div class="tables">
<table><caption>Mention elements in the text</caption><thead><tr><th scope="col">Element</th><th scope="col">Count</th></tr></thead><tbody>${elementRows || '<tr><td colspan="2">none</td></tr>'}</tbody></table>
<details><summary>Mentions of every entry (${s.perEntity.length})</summary>
<table><caption>Tagged mentions and untagged candidates per register entry</caption><thead><tr><th scope="col">Entry</th><th scope="col">Tagged</th><th scope="col">Untagged</th></tr></thead><tbody>${entityTable}</tbody></table>
</details>
</div>
</section>`;
}

/** The running text with every element visible: entities coloured by kind, candidates marked, line anchors for links. */
function renderText(a: Analysis, root: XmlElement, anchors: Anchors): string {
  const seenLines = new Set<number>();
  const mentionByEl = new Map(a.mentions.map((m) => [m.el, m]));
  const quoteByEl = new Map(a.quotations.map((q) => [q.el, q]));
  // Candidate ranges by source offset, in order, to cut text nodes at.
  const cands = [...a.candidates].sort((x, y) => x.start - y.start);
  const out: string[] = [];

  const anchorLine = (offset: number) => {
    const line = a.doc.position(offset).line;
    if (seenLines.has(line)) return;
    seenLines.add(line);
    anchors.lines.push(line);
    out.push(`<span class="ln" id="L${line}"></span>`);
  };

  // Text nodes come in document order, and so do candidates: one cursor walks both.
  let cursor = 0;
  const renderTextNode = (t: XmlText) => {
    const s = t.text;
    while (cursor < cands.length && cands[cursor]!.end <= t.start) cursor++;
    const local: Candidate[] = [];
    for (let k = cursor; k < cands.length && cands[k]!.start < t.end; k++) local.push(cands[k]!);
    // Which candidate (if any) each character belongs to; computed only for nodes that have one.
    const owner: Array<Candidate | undefined> = local.length ? Array.from(s, () => undefined) : [];
    if (local.length) {
      for (let k = 0; k < s.length; k++) {
        const off = sourceOffset(t, k);
        owner[k] = local.find((c) => c.start <= off && c.end > off);
      }
    }
    let i = 0;
    while (i < s.length) {
      const c = owner[i];
      let j = i;
      if (c) {
        while (j < s.length && owner[j] === c) j++;
        const first = sourceOffset(t, i) === c.start;
        const names = c.entities.map((id) => `#${id} ${a.entities.get(id)?.label ?? ''}`).join(' or ');
        out.push(
          `<mark class="cand"${first ? ` id="c-${c.index}" tabindex="0" aria-describedby="ct-${c.index}"` : ''}>${esc(s.slice(i, j))}${first ? `<span class="tip" role="tooltip" id="ct-${c.index}">untagged: ${esc(names)}</span>` : ''}</mark>`,
        );
        i = j;
        continue;
      }
      while (j < s.length && s[j] !== '\n' && !owner[j]) j++;
      if (j < s.length && s[j] === '\n') {
        out.push(esc(s.slice(i, j + 1)));
        anchorLine(sourceOffset(t, j) + 1);
        i = j + 1;
      } else {
        out.push(esc(s.slice(i, j)));
        i = j;
      }
    }
  };

  const render = (node: XmlNode) => {
    if (node.kind === 'text') return renderTextNode(node);
    const el = node;
    anchorLine(el.start);
    if (el.local === 'lb') return void out.push('<br>');
    const m = mentionByEl.get(el);
    const q = quoteByEl.get(el);
    const classes = ['t', `el-${el.local}`];
    if (BLOCKS.has(el.local)) classes.push('blk');
    const attrs: string[] = [];
    let tip = '';
    if (m) {
      const raw = attr(el, 'ref');
      // No same-document pointer: either a pointer elsewhere (a URI) or no @ref at all.
      classes.push('ent', `k-${m.refs.length ? targetKind(a.doc, a.entities, m.refs[0]!) : raw ? 'other' : 'none'}`);
      attrs.push(`id="m-${m.index}"`, 'tabindex="0"', `aria-describedby="mt-${m.index}"`);
      const label = (r: string) => a.entities.get(r)?.label ?? (a.doc.byId.has(r) ? `(a ${a.doc.byId.get(r)!.local}, not a register entry)` : '(no such element)');
      const target = m.refs.length ? m.refs.map((r) => `#${r} ${label(r)}`).join('; ') : raw ? raw : 'no @ref';
      tip = `<span class="tip" role="tooltip" id="mt-${m.index}">&lt;${esc(el.local)}${attr(el, 'type') ? ` type="${esc(attr(el, 'type')!)}"` : ''}&gt; → ${esc(target)}</span>`;
    } else if (q) {
      classes.push('quote');
      attrs.push(`id="q-${q.index}"`, 'tabindex="0"', `aria-describedby="qt-${q.index}"`);
      tip = `<span class="tip" role="tooltip" id="qt-${q.index}">&lt;${esc(el.local)}${q.id ? ` #${esc(q.id)}` : ''}&gt; speaker: ${esc(q.speakers.join('; ') || 'none')}; stance: ${esc(q.stances.join('; ') || (q.ana.length ? q.ana.map((x) => '#' + x).join(' ') : 'none'))}</span>`;
    }
    if (el.local === 'hi' && /sup/.test(attr(el, 'rend') ?? '')) classes.push('sup');
    const lang = attr(el, 'lang', XML_NS);
    if (lang) attrs.push(`lang="${esc(lang)}"`);
    const id = attr(el, 'id', XML_NS);
    out.push(`<span class="${classes.join(' ')}" data-el="${esc(el.local)}${id ? ' #' + esc(id) : ''}"${attrs.length ? ' ' + attrs.join(' ') : ''}>`);
    for (const c of el.children) render(c);
    out.push(`${tip}</span>`);
  };
  render(root);
  return out.join('');
}

const CSS = `
:root{--fg:#1a1a1a;--muted:#4a4a4a;--bg:#fff;--line:#d0d0d0}
*{box-sizing:border-box}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header,nav,main,footer{max-width:72rem;margin:0 auto;padding:0 1rem}
h1{font-size:1.6rem;margin:1rem 0 .2rem}
h2{font-size:1.3rem;border-bottom:2px solid var(--line);padding-bottom:.2rem;margin-top:2rem}
h3{font-size:1.1rem;margin:1.4rem 0 .3rem}
.doc-title{margin:0;color:var(--muted);font-style:italic}
.skip{position:absolute;left:-999px;top:0;background:#000;color:#fff;padding:.4rem}
.skip:focus{left:0}
a{color:#0b4f9e}
.summary h2{border:0;margin-top:1rem}
.counts{display:flex;gap:1rem;list-style:none;padding:0;margin:.3rem 0;flex-wrap:wrap}
.counts li{padding:.4rem .9rem;border-radius:.4rem;font-weight:600}
.counts .n{font-size:1.6rem;margin-right:.3rem}
.counts .sev-error,.sev.sev-error{background:#b00020;color:#fff}
.counts .sev-warning,.sev.sev-warning{background:#fff0c2;color:#5c3b00;border:1px solid #c98a00}
.counts .sev-info,.sev.sev-info{background:#e3eefa;color:#0b3d75;border:1px solid #7aa6d6}
.kinds{display:flex;flex-wrap:wrap;gap:.3rem 1.4rem;padding:0;list-style:none;margin:.3rem 0}
.figures{color:var(--muted);margin:.3rem 0}
nav ul{display:flex;gap:1rem;list-style:none;padding:.5rem 0;margin:0;border-top:1px solid var(--line);border-bottom:1px solid var(--line);flex-wrap:wrap}
.findings{list-style:none;padding:0;margin:0}
.finding{padding:.3rem .5rem;border-bottom:1px solid #eee;border-left:4px solid transparent}
.finding.sev-error{border-left-color:#b00020}.finding.sev-warning{border-left-color:#c98a00}.finding.sev-info{border-left-color:#7aa6d6}
.sev{display:inline-block;font-size:.75rem;font-weight:700;padding:0 .4rem;border-radius:.3rem;text-transform:uppercase;letter-spacing:.03em}
.code{font-size:.75rem;color:var(--muted)}
.intro,.none{color:var(--muted);margin:.2rem 0 .5rem}
.count{font-weight:normal;color:var(--muted)}
.scroll{overflow-x:auto}
table{border-collapse:collapse;margin:.5rem 0;font-size:.9rem}
caption{text-align:left;font-weight:600;padding:.2rem 0}
th,td{border:1px solid var(--line);padding:.2rem .5rem;text-align:left;vertical-align:top}
td.num{text-align:right}
.qt{max-width:28rem}
.missing{color:#8a0019;font-style:italic}
.warn{color:#8a0019}
.dot{display:inline-block;width:.7rem;height:.7rem;border-radius:50%;margin-right:.3rem;vertical-align:middle}
.figures-list{display:flex;flex-wrap:wrap;gap:.5rem 2rem;margin:0}
.figures-list dt{color:var(--muted);font-size:.85rem}.figures-list dd{margin:0;font-size:1.3rem;font-weight:600}
figure{margin:.4rem 0}
figcaption{font-size:.85rem;color:var(--muted)}
.chart{max-width:100%;height:auto;font-size:12px;fill:#1a1a1a}
.tables{display:flex;gap:2rem;flex-wrap:wrap;align-items:flex-start}
.legend{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center;padding:.5rem;border:1px solid var(--line);border-radius:.4rem;position:sticky;top:0;background:#fff;z-index:3;font-size:.9rem}
.toggle{margin-left:auto}
.tei{font-family:Georgia,"Times New Roman",serif;font-size:1.05rem;line-height:1.9;max-width:46rem}
.tei .blk{display:block;margin:.3rem 0}
.tei .el-p,.tei .el-head,.tei .el-dateline,.tei .el-ab{margin:.8rem 0}
.tei .el-note{margin:.6rem 0 .6rem 1.5rem;font-size:.92rem;color:#333;border-left:3px solid #ccc;padding-left:.6rem}
.tei .sup{vertical-align:super;font-size:.75em}
.tei .t[data-el]::before{font:600 .62rem/1 system-ui,sans-serif;color:#555;background:#f2f2f2;border:1px solid #ccc;border-radius:.2rem;padding:0 .15rem;margin-right:.1rem;vertical-align:.15em;content:none}
body:has(#show-tags:checked) .tei .t[data-el]::before{content:attr(data-el)}
.ent{position:relative;border-bottom:3px solid;border-radius:.15rem;padding:0 .1rem;cursor:help}
.k-person{background:#dde8fb;border-color:#1f5fbf}
.k-personGrp{background:#ebe2f8;border-color:#6a3fb5}
.k-place{background:#dcf1e2;border-color:#1b7a3a}
.k-org{background:#fbe6d4;border-color:#9a4700}
.k-event{background:#f8dde9;border-color:#9b1c5a}
.k-object{background:#eef2cc;border-color:#4d5b00}
.k-work{background:#d9eff4;border-color:#00617a}
.k-other{background:#eee;border-color:#555}
.k-unresolved{background:#ffd6dc;border-color:#b00020;border-bottom-style:double}
.k-none{border-color:#777;border-bottom-style:dashed}
.dot.k-person{background:#1f5fbf}.dot.k-personGrp{background:#6a3fb5}.dot.k-place{background:#1b7a3a}.dot.k-org{background:#9a4700}.dot.k-event{background:#9b1c5a}.dot.k-object{background:#4d5b00}
.legend .ent{cursor:default}
mark.cand{background:#ffe066;color:#000;outline:2px dashed #b00020;outline-offset:1px;font-weight:700;position:relative}
.quote{position:relative;background:linear-gradient(#fff,#fff) padding-box;border-left:3px solid #888;padding-left:.2rem}
.q-demo{border-left:3px solid #888;padding-left:.2rem}
.tip{display:none;position:absolute;left:0;top:100%;z-index:5;min-width:14rem;max-width:28rem;background:#1a1a1a;color:#fff;font:500 .8rem/1.35 system-ui,sans-serif;padding:.3rem .5rem;border-radius:.3rem;white-space:normal}
.ent:hover>.tip,.ent:focus>.tip,.cand:hover>.tip,.cand:focus>.tip,.quote:focus>.tip{display:block}
:focus-visible{outline:3px solid #0b4f9e;outline-offset:2px}
:target{outline:3px solid #b00020;outline-offset:2px;scroll-margin-top:4rem}
.ln:target{outline:none}
.ln:target+*{outline:3px solid #b00020}
footer{color:var(--muted);font-size:.85rem;padding:2rem 1rem}
`;
