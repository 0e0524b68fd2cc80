import { diagnostic, type Diagnostic, type Severity } from '../diagnostic.js';
import {
  attr,
  childElements,
  descendants,
  parseXml,
  sourceOffset,
  textContent,
  XML_NS,
  type XmlDocument,
  type XmlElement,
  type XmlNode,
  type XmlText,
} from '../util/xml-positions.js';

/** Elements that are register entries when they carry an @xml:id (the conventions' generic "entity"). */
export const ENTITY_KINDS = new Set(['person', 'personGrp', 'place', 'org', 'event', 'object']);
/** Children of an entry that give one of its names. */
const NAME_CHILDREN = new Set(['persName', 'placeName', 'orgName', 'name', 'geogName', 'label', 'objectName', 'settlement', 'country', 'region', 'district', 'bloc']);
/** Elements in the text that point at entries with @ref. */
export const MENTION_ELEMENTS = new Set(['persName', 'placeName', 'orgName', 'rs', 'name']);
const QUOTATION_ELEMENTS = new Set(['said', 'q', 'quote']);
/** Containers of register entries: their text is not running text, so it is not searched for mentions. */
const REGISTER_CONTAINERS = new Set(['listPerson', 'listPlace', 'listOrg', 'listEvent', 'listObject', 'listNym', 'listRelation', 'listBibl', 'castList']);
/** Targets a mention may rightly point at without being a register entry: works and sources. */
const WORK_ELEMENTS = new Set(['bibl', 'biblStruct', 'biblFull', 'msDesc']);

export type FindingKind = 'validate' | 'untagged' | 'registers' | 'consistency' | 'quotations';

export interface Finding {
  kind: FindingKind;
  diagnostic: Diagnostic;
  /** Id of the place in the HTML report the finding is about (a mention, a candidate, a register row), if any. */
  anchor: string | null;
}

export interface Entity {
  id: string;
  /** Element name: person, personGrp, place, org, event, object. */
  kind: string;
  /** @type, else @role. */
  type: string | null;
  /** The first name child, whitespace-normalised: the name the report shows. */
  label: string;
  /** All name children, whitespace-normalised. */
  names: string[];
  hasNote: boolean;
  el: XmlElement;
  line: number;
  column: number;
}

export interface Mention {
  index: number;
  el: XmlElement;
  element: string;
  /** Ids of same-document targets (`#id` pointers), in order. */
  refs: string[];
  /** Refs that resolve to register entries. */
  entities: string[];
  surface: string;
  line: number;
  column: number;
  /** Where in the running text (0..1) the mention starts. */
  at: number;
}

export interface Candidate {
  index: number;
  /** The form is known only from <rs> descriptions, not from a name: reported as information. */
  description: boolean;
  entities: string[];
  surface: string;
  start: number;
  end: number;
  line: number;
  column: number;
  at: number;
  /** The mention element the candidate sits in without being linked to its entry, if any. */
  inside: Mention | null;
}

export interface Quotation {
  index: number;
  el: XmlElement;
  element: string;
  id: string | null;
  who: string[];
  ana: string[];
  speakers: string[];
  stances: string[];
  text: string;
  line: number;
  column: number;
}

export interface EntityStats {
  id: string;
  tagged: number;
  untagged: number;
  /** Relative positions (0..1) of tagged mentions and of untagged candidates. */
  taggedAt: number[];
  untaggedAt: number[];
}

export interface Statistics {
  words: number;
  /** Mention elements (persName, placeName, orgName, rs, name) in the running text, linked or not. */
  perElement: Record<string, number>;
  /** Links from mentions to entries, by the entry's kind; `work` for bibl targets, `other` for other elements, `unresolved` for pointers to nothing. */
  perKind: Record<string, number>;
  linkedMentions: number;
  entities: number;
  referencedEntities: number;
  mentionsPer1000Words: number;
  perEntity: EntityStats[];
}

export interface Analysis {
  file: string;
  doc: XmlDocument;
  /** Title of the document (first titleStmt/title), for the report's heading. */
  title: string | null;
  /** Language of the running text (xml:lang of text or of the root), if declared. */
  lang: string | null;
  entities: Map<string, Entity>;
  mentions: Mention[];
  candidates: Candidate[];
  quotations: Quotation[];
  /** Stance categories by id: their label (term or catDesc). */
  categories: Map<string, string>;
  /** The `text` elements whose content is the running text. */
  textRoots: XmlElement[];
  findings: Finding[];
  stats: Statistics;
}

/** Case folding for matching: Unicode compatibility forms, lower case. */
function fold(s: string): string {
  return s.normalize('NFKC').toLowerCase();
}
const WORD = /[\p{L}\p{N}\p{M}]+/gu;
function words(s: string): string[] {
  return fold(s).match(WORD) ?? [];
}
/** Punctuation- and case-insensitive key of a name: its words, folded, joined by single spaces. */
export function nameKey(s: string): string {
  return words(s).join(' ');
}
function squash(s: string): string {
  return s.replace(/\s+/g, ' ').trim();
}

/** Same-document targets of a pointer attribute: `#id` tokens only; other URIs point elsewhere. */
function localPointers(value: string | null): string[] {
  if (!value) return [];
  return value
    .split(/\s+/)
    .filter((t) => t.startsWith('#') && t.length > 1)
    .map((t) => t.slice(1));
}

function ancestorOrSelf(el: XmlElement | null, pred: (e: XmlElement) => boolean): XmlElement | null {
  for (let e = el; e; e = e.parent) if (pred(e)) return e;
  return null;
}

interface Token {
  key: string;
  node: XmlText;
  start: number;
  end: number;
}

/**
 * Forms a register name stands for besides itself: "Surname, Given" also as "Given Surname" and "Surname"
 * (persons only: a comma in a place name is a hierarchy, not an inversion), and "Full Name (ABBR)" also as
 * "Full Name" and "ABBR" when the bracket holds a name rather than a remark ("(not named)").
 */
export function registerForms(name: string, kind: string): string[] {
  const out = [name];
  const paren = /^(.*\S)\s*\(([^()]+)\)\s*$/.exec(name);
  if (paren) {
    out.push(paren[1]!);
    if (/^[\p{Lu}\p{N}]/u.test(paren[2]!)) out.push(paren[2]!);
  }
  if (kind === 'person' || kind === 'personGrp') {
    const parts = name.split(',');
    if (parts.length === 2 && parts[0]!.trim() && parts[1]!.trim()) {
      out.push(`${parts[1]!.trim()} ${parts[0]!.trim()}`, parts[0]!.trim());
    }
  }
  return out;
}

/**
 * Turns one TEI document's text into review findings and statistics. Pure: the caller reads the file,
 * merges validate's diagnostics and writes the report.
 */
export function analyse(file: string, text: string): Analysis {
  const doc = parseXml(text);
  const findings: Finding[] = [];
  const at = (el: XmlElement) => doc.position(el.start);
  const add = (kind: FindingKind, severity: Severity, code: string, message: string, el: XmlElement | { line: number; column: number }, anchor: string | null) => {
    const pos = 'kind' in el ? at(el) : el;
    findings.push({ kind, anchor, diagnostic: diagnostic({ file, line: pos.line, column: pos.column, severity, source: 'review', code, message }) });
  };

  // Registers: every entity with an id, wherever it sits.
  const entities = new Map<string, Entity>();
  for (const el of descendants(doc.root)) {
    if (!ENTITY_KINDS.has(el.local)) continue;
    const id = attr(el, 'id', XML_NS);
    if (!id) continue;
    const names = childElements(el)
      .filter((c) => NAME_CHILDREN.has(c.local))
      .map((c) => squash(textContent(c)))
      .filter(Boolean);
    const pos = at(el);
    entities.set(id, {
      id,
      kind: el.local,
      type: attr(el, 'type') ?? attr(el, 'role'),
      label: names[0] ?? id,
      names,
      hasNote: childElements(el).some((c) => c.local === 'note' || c.local === 'desc'),
      el,
      line: pos.line,
      column: pos.column,
    });
  }
  const entityOf = (el: XmlElement | null) => ancestorOrSelf(el, (e) => ENTITY_KINDS.has(e.local) && attr(e, 'id', XML_NS) !== null);

  // Stance categories (any taxonomy category: @ana may point into any of them).
  const categories = new Map<string, string>();
  for (const el of descendants(doc.root)) {
    if (el.local !== 'category') continue;
    const id = attr(el, 'id', XML_NS);
    if (!id) continue;
    const catDesc = childElements(el).find((c) => c.local === 'catDesc');
    const term = catDesc && childElements(catDesc).find((c) => c.local === 'term');
    const label = squash(textContent(term ?? catDesc ?? el));
    categories.set(id, label.length > 80 ? label.slice(0, 77) + '…' : label || id);
  }

  // The running text: every outermost `text`, without register containers or entries inside it.
  const textRoots: XmlElement[] = [];
  for (const el of descendants(doc.root)) {
    if (el.local === 'text' && !ancestorOrSelf(el.parent, (e) => e.local === 'text' || e.local === 'teiHeader')) textRoots.push(el);
  }
  const tokens: Token[] = [];
  const span = new Map<XmlElement, [number, number]>();
  const mentionEls: XmlElement[] = [];
  const quotationEls: XmlElement[] = [];
  const walk = (el: XmlElement) => {
    if (REGISTER_CONTAINERS.has(el.local) || (ENTITY_KINDS.has(el.local) && attr(el, 'id', XML_NS))) return;
    const first = tokens.length;
    if (MENTION_ELEMENTS.has(el.local)) mentionEls.push(el);
    if (QUOTATION_ELEMENTS.has(el.local) && !ancestorOrSelf(el.parent, (e) => QUOTATION_ELEMENTS.has(e.local))) quotationEls.push(el);
    for (const c of el.children) {
      if (c.kind === 'element') walk(c);
      else for (const m of c.text.matchAll(WORD)) tokens.push({ key: fold(m[0]), node: c, start: m.index, end: m.index + m[0].length });
    }
    span.set(el, [first, tokens.length]);
  };
  for (const t of textRoots) walk(t);
  const words_ = tokens.length;
  const rel = (tokenIndex: number) => (words_ ? Math.min(1, tokenIndex / words_) : 0);

  // Mentions and the pointers they hold.
  const mentions: Mention[] = [];
  const mentionByEl = new Map<XmlElement, Mention>();
  for (const el of mentionEls) {
    const refs = localPointers(attr(el, 'ref'));
    const pos = at(el);
    const m: Mention = {
      index: mentions.length,
      el,
      element: el.local,
      refs,
      entities: refs.filter((r) => entities.has(r)),
      surface: squash(textContent(el)),
      line: pos.line,
      column: pos.column,
      at: rel(span.get(el)?.[0] ?? 0),
    };
    mentions.push(m);
    mentionByEl.set(el, m);
  }

  // Quotations.
  const quotations: Quotation[] = quotationEls.map((el, index) => {
    const who = localPointers(attr(el, 'who'));
    const ana = localPointers(attr(el, 'ana'));
    const pos = at(el);
    const t = squash(textContent(el));
    return {
      index,
      el,
      element: el.local,
      id: attr(el, 'id', XML_NS),
      who,
      ana,
      speakers: who.map((w) => entities.get(w)?.label ?? `#${w}`),
      stances: ana.filter((a) => categories.has(a)).map((a) => categories.get(a)!),
      text: t.length > 140 ? t.slice(0, 137) + '…' : t,
      line: pos.line,
      column: pos.column,
    };
  });

  // Dangling pointers are placed at the attribute, where validate's pointer check places them too (no double report).
  const attrPos = (el: XmlElement, name: string) => {
    const a = el.attrs.find((x) => x.name === name);
    return a ? doc.position(a.offset) : at(el);
  };
  // Pointers to nothing, and mention pointers to something that is not a register entry.
  for (const m of mentions) {
    for (const r of m.refs) {
      if (!doc.byId.has(r)) add('registers', 'error', 'review.dangling-pointer', `<${m.element} ref="#${r}"> points to no element: there is no xml:id="${r}" in the document; add the register entry or correct the pointer`, attrPos(m.el, 'ref'), `m-${m.index}`);
      else if (!entities.has(r) && !WORK_ELEMENTS.has(doc.byId.get(r)!.local)) add('registers', 'warning', 'review.ref-not-entry', `<${m.element} ref="#${r}"> points to a <${doc.byId.get(r)!.local}>, not to a register entry (person, personGrp, place, org, event); point it at the entry`, m.el, `m-${m.index}`);
    }
  }
  for (const q of quotations) {
    for (const w of q.who) {
      if (!doc.byId.has(w)) add('registers', 'error', 'review.dangling-pointer', `<${q.element} who="#${w}"> points to no element: there is no xml:id="${w}" in the document; add the speaker to the register or correct @who`, attrPos(q.el, 'who'), `q-${q.index}`);
    }
    for (const a of q.ana) {
      if (!doc.byId.has(a)) add('registers', 'error', 'review.dangling-pointer', `<${q.element} ana="#${a}"> points to no element: there is no xml:id="${a}" in the document; add the category to the taxonomy or correct @ana`, attrPos(q.el, 'ana'), `q-${q.index}`);
    }
  }

  // Registers: references from outside the registers (the text and the header), entries' completeness, duplicates.
  const referenced = new Set<string>();
  let pointsAtEntries = false;
  for (const el of descendants(doc.root)) {
    if (entityOf(el)) continue;
    for (const a of el.attrs) {
      for (const id of localPointers(a.value)) {
        if (entities.has(id)) {
          referenced.add(id);
          pointsAtEntries = true;
        }
      }
    }
  }
  const dupes = new Map<string, Entity>();
  for (const e of entities.values()) {
    // A file that is only a register (nothing in it points at its entries) is referenced from elsewhere.
    if (pointsAtEntries && !referenced.has(e.id)) {
      add('registers', 'warning', 'review.unreferenced-entry', `register entry #${e.id} (${e.label}) is never referenced; link its mentions in the text with ref="#${e.id}", or remove the entry`, e.el, `e-${e.id}`);
    }
    const missing = [e.names.length ? null : 'name', e.type ? null : 'type (@type or @role)', e.hasNote ? null : 'note'].filter(Boolean);
    if (missing.length) add('registers', 'warning', 'review.entry-incomplete', `register entry #${e.id} has no ${missing.join(', no ')}; add ${missing.length > 1 ? 'them' : 'it'} so that readers know who or what it is`, e.el, `e-${e.id}`);
    const key = e.names[0] ? `${e.kind} ${nameKey(e.names[0])}` : null;
    if (key) {
      const first = dupes.get(key);
      if (first) add('registers', 'warning', 'review.duplicate-name', `register entries #${first.id} (line ${first.line}) and #${e.id} have the same name "${e.label}"; merge them, or make the names tell them apart`, e.el, `e-${e.id}`);
      else dupes.set(key, e);
    }
  }

  // Forms to look for in the text: register names (with derived forms) and the forms of tagged mentions.
  const registerIndex = new Map<string, Set<string>>();
  const searchIndex = new Map<string, Set<string>>();
  const addForm = (index: Map<string, Set<string>>, form: string, id: string) => {
    const key = nameKey(form);
    if (key.replace(/ /g, '').length < 2 || /^[\d ]+$/.test(key)) return;
    let set = index.get(key);
    if (!set) index.set(key, (set = new Set()));
    set.add(id);
  };
  for (const e of entities.values()) {
    for (const n of e.names) for (const f of registerForms(n, e.kind)) (addForm(registerIndex, f, e.id), addForm(searchIndex, f, e.id));
  }
  // Forms known only from <rs> descriptions ("the Party"): their referent depends on the context, so an
  // untagged or differently linked occurrence is worth a look (info), not a probable miss (warning).
  const nameForms = new Set(registerIndex.keys());
  const rsForms = new Set<string>();
  for (const m of mentions) {
    if (m.entities.length !== 1 || !m.surface) continue;
    // rs holds descriptions and pronouns ("I", "he"): only several words with a capitalised one read like a name.
    if (m.element === 'rs' && !(words(m.surface).length > 1 && /\p{Lu}\p{Ll}{2,}/u.test(m.surface))) continue;
    const w = words(m.surface);
    if (w.length === 1 && w[0]!.length < 3) continue;
    addForm(searchIndex, m.surface, m.entities[0]!);
    (m.element === 'rs' ? rsForms : nameForms).add(nameKey(m.surface));
  }
  const isDescription = (key: string) => rsForms.has(key) && !nameForms.has(key);
  const byFirstWord = new Map<string, string[][]>();
  for (const key of searchIndex.keys()) {
    const w = key.split(' ');
    const list = byFirstWord.get(w[0]!) ?? [];
    list.push(w);
    byFirstWord.set(w[0]!, list);
  }

  // Every occurrence of a form in the running text, whole words only.
  interface Match {
    from: number;
    to: number;
    key: string;
    entities: string[];
    covered: boolean;
  }
  const matches: Match[] = [];
  const linkedAncestor = (node: XmlNode, end: number, ids: readonly string[]): boolean => {
    for (let e: XmlElement | null = node.kind === 'text' ? node.parent : node; e; e = e.parent) {
      // Inner elements may end before the match does (a date inside "June CPSU CC Plenum"); only those that hold all of it count.
      if (e.end >= end && localPointers(attr(e, 'ref')).some((r) => ids.includes(r))) return true;
      // In drama the speaker's name is linked through its sp/@who.
      if (e.local === 'speaker' && e.parent && localPointers(attr(e.parent, 'who')).some((r) => ids.includes(r))) return true;
    }
    return false;
  };
  for (let i = 0; i < tokens.length; i++) {
    for (const form of byFirstWord.get(tokens[i]!.key) ?? []) {
      if (i + form.length > tokens.length) continue;
      let ok = true;
      for (let k = 1; k < form.length && ok; k++) ok = tokens[i + k]!.key === form[k];
      if (!ok) continue;
      const key = form.join(' ');
      const ids = [...searchIndex.get(key)!];
      const last = tokens[i + form.length - 1]!;
      const end = sourceOffset(last.node, last.end - 1) + 1;
      matches.push({ from: i, to: i + form.length, key, entities: ids, covered: linkedAncestor(tokens[i]!.node, end, ids) });
    }
  }
  const kindsOf = (m: Match) => new Set(m.entities.map((id) => entities.get(id)!.kind));
  const candidates: Candidate[] = [];
  for (const m of matches) {
    if (m.covered) continue;
    const kinds = kindsOf(m);
    // A shorter match inside a longer one: the longer one speaks for it (also "Kim" inside a tagged
    // "Kim Il Sung"), unless it names another kind of thing (a place inside an organisation's name).
    const inside = matches.some(
      (o) => o !== m && o.from <= m.from && o.to >= m.to && o.to - o.from > m.to - m.from && (!o.covered || [...kindsOf(o)].some((k) => kinds.has(k))),
    );
    if (inside) continue;
    const firstTok = tokens[m.from]!;
    const lastTok = tokens[m.to - 1]!;
    const start = sourceOffset(firstTok.node, firstTok.start);
    const end = sourceOffset(lastTok.node, lastTok.end - 1) + 1;
    // The innermost mention element around the match.
    let around: Mention | null = null;
    for (let e: XmlElement | null = firstTok.node.parent; e; e = e.parent) {
      const mm = e.end >= end ? mentionByEl.get(e) : undefined;
      if (mm) {
        around = mm;
        break;
      }
    }
    // A mention that is exactly the match but linked elsewhere is a wrong link, reported below.
    if (around && around.refs.length && span.get(around.el)?.[0] === m.from && span.get(around.el)?.[1] === m.to) continue;
    const pos = doc.position(start);
    candidates.push({ index: candidates.length, description: isDescription(m.key), entities: m.entities, surface: squash(text.slice(start, end).replace(/<[^>]*>/g, '')), start, end, line: pos.line, column: pos.column, at: rel(m.from), inside: around });
  }
  const describe = (ids: readonly string[]) => ids.map((id) => `#${id} (${entities.get(id)?.label ?? id})`).join(' or ');
  for (const c of candidates) {
    const how = c.inside
      ? c.inside.refs.length
        ? `; it is inside <${c.inside.element} ref="${c.inside.refs.map((r) => '#' + r).join(' ')}">: tag it there as a nested name`
        : `; it is tagged <${c.inside.element}> without @ref: add ref="#${c.entities[0]}"`
      : `: tag it, e.g. <${c.description ? `rs type="${entities.get(c.entities[0]!)!.kind}"` : elementFor(entities.get(c.entities[0]!)!.kind)} ref="#${c.entities[0]}">`;
    if (c.description) {
      add('untagged', 'info', 'review.untagged-description', `"${c.surface}" is a description used elsewhere for ${describe(c.entities)} but is not linked here; link it if it means the same${how}`, c, `c-${c.index}`);
    } else {
      add('untagged', 'warning', 'review.untagged-mention', `"${c.surface}" is a name of ${describe(c.entities)} but is not linked to ${c.entities.length > 1 ? 'them' : 'it'}${how}`, c, `c-${c.index}`);
    }
  }

  // Wrong links: the surface form is registered for another entry and not for any the mention points to.
  for (const m of mentions) {
    if (!m.entities.length) continue;
    const owners = registerIndex.get(nameKey(m.surface));
    if (!owners || m.entities.some((id) => owners.has(id))) continue;
    const others = [...owners];
    add('untagged', 'warning', 'review.wrong-entry', `"${m.surface}" is linked to ${describe(m.entities)}, but it is the registered name of ${describe(others)}; check the @ref`, m.el, `m-${m.index}`);
  }

  // Consistency: one surface form, several targets; one entry, several elements.
  const formTargets = new Map<string, Map<string, Mention>>();
  for (const m of mentions) {
    if (!m.refs.length) continue;
    const w = words(m.surface);
    // Pronoun-like forms ("he", "I") legitimately point at different people.
    if (!w.length || (w.length === 1 && (w[0]!.length < 3 || !/^\p{Lu}/u.test(m.surface)))) continue;
    const key = w.join(' ');
    const targets = [...m.refs].sort().join(' ');
    let seen = formTargets.get(key);
    if (!seen) formTargets.set(key, (seen = new Map()));
    if (seen.has(targets)) continue;
    const first = seen.values().next().value as Mention | undefined;
    seen.set(targets, m);
    if (first) {
      // Two descriptions (<rs>) of the same wording may rightly mean different things ("the Party").
      const both = m.element === 'rs' && first.element === 'rs';
      add('consistency', both ? 'info' : 'warning', 'review.inconsistent-link', `"${m.surface}" is linked to ${m.refs.map((r) => '#' + r).join(' ')} here but to ${first.refs.map((r) => '#' + r).join(' ')} at line ${first.line}; check that both are meant`, m.el, `m-${m.index}`);
    }
  }
  const elementsOf = new Map<string, Map<string, Mention[]>>();
  for (const m of mentions) {
    for (const id of m.entities) {
      let byEl = elementsOf.get(id);
      if (!byEl) elementsOf.set(id, (byEl = new Map()));
      const list = byEl.get(m.element) ?? [];
      list.push(m);
      byEl.set(m.element, list);
    }
  }
  for (const [id, byEl] of elementsOf) {
    if (byEl.size < 2) continue;
    const ranked = [...byEl.entries()].sort((a, b) => b[1].length - a[1].length);
    const [main, mainList] = ranked[0]!;
    const summary = ranked.map(([el, list]) => `<${el}> ${list.length}×`).join(', ');
    for (const [el, list] of ranked.slice(1)) {
      const m = list[0]!;
      add('consistency', 'info', 'review.mixed-elements', `mentions of #${id} (${entities.get(id)!.label}) are tagged with different elements (${summary}); this one is <${el}>, most are <${main}> (first at line ${mainList[0]!.line}); use one unless the difference is meant`, m.el, `m-${m.index}`);
    }
  }

  // Quotations: information, since the source may give no speaker or category.
  for (const q of quotations) {
    const name = q.id ? `${q.element} #${q.id}` : `<${q.element}>`;
    if (!q.who.length) add('quotations', 'info', 'review.quote-unattributed', `quotation ${name} has no speaker (@who); add who="#…" if the source names one`, q.el, `q-${q.index}`);
    if (!q.ana.length) add('quotations', 'info', 'review.quote-unclassified', `quotation ${name} has no classification (@ana); add ana="#…" pointing to a category if it has one`, q.el, `q-${q.index}`);
  }

  // Statistics.
  const perElement: Record<string, number> = {};
  const perKind: Record<string, number> = {};
  const perEntity = new Map<string, EntityStats>();
  const stat = (id: string) => {
    let s = perEntity.get(id);
    if (!s) perEntity.set(id, (s = { id, tagged: 0, untagged: 0, taggedAt: [], untaggedAt: [] }));
    return s;
  };
  let linked = 0;
  for (const m of mentions) {
    perElement[m.element] = (perElement[m.element] ?? 0) + 1;
    if (m.refs.length) linked++;
    for (const r of m.refs) {
      const kind = targetKind(doc, entities, r);
      perKind[kind] = (perKind[kind] ?? 0) + 1;
      if (entities.has(r)) {
        const s = stat(r);
        s.tagged++;
        s.taggedAt.push(m.at);
      }
    }
  }
  for (const c of candidates) {
    for (const id of c.entities) {
      const s = stat(id);
      s.untagged++;
      s.untaggedAt.push(c.at);
    }
  }
  for (const e of entities.values()) stat(e.id);

  const title = (() => {
    const t = [...descendants(doc.root)].find((e) => e.local === 'title' && e.parent?.local === 'titleStmt');
    return t ? squash(textContent(t)) || null : null;
  })();
  const lang = (textRoots[0] && attr(textRoots[0], 'lang', XML_NS)) ?? attr(doc.root, 'lang', XML_NS);

  return {
    file,
    doc,
    title,
    lang,
    entities,
    mentions,
    candidates,
    quotations,
    categories,
    textRoots,
    findings,
    stats: {
      words: words_,
      perElement,
      perKind,
      linkedMentions: linked,
      entities: entities.size,
      referencedEntities: [...entities.keys()].filter((id) => referenced.has(id)).length,
      mentionsPer1000Words: words_ ? Math.round((linked / words_) * 10000) / 10 : 0,
      perEntity: [...perEntity.values()].sort((a, b) => b.tagged + b.untagged - (a.tagged + a.untagged) || a.id.localeCompare(b.id)),
    },
  };
}

/** What a `#id` pointer leads to: an entry's kind, `work`, `other` (another element) or `unresolved` (nothing). */
export function targetKind(doc: XmlDocument, entities: ReadonlyMap<string, Entity>, id: string): string {
  const target = doc.byId.get(id);
  return entities.get(id)?.kind ?? (!target ? 'unresolved' : WORK_ELEMENTS.has(target.local) ? 'work' : 'other');
}

/** The element an encoder would use to tag a mention of an entry of this kind. */
export function elementFor(kind: string): string {
  return kind === 'person' ? 'persName' : kind === 'place' ? 'placeName' : kind === 'org' ? 'orgName' : `rs type="${kind}"`;
}
