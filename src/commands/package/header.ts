import { XMLParser } from 'fast-xml-parser';

/** What a repository needs to know about one document, read from its `<teiHeader>`. */
export interface HeaderMetadata {
  titles: string[];
  creators: string[];
  contributors: string[];
  publishers: string[];
  date: string | null;
  identifiers: string[];
  rights: string[];
  languages: string[];
  subjects: string[];
  description: string | null;
  source: string | null;
}

/** fast-xml-parser's preserveOrder tree: one key per node (the element name or `#text`), plus `:@` for attributes. */
type OrderedNode = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  removeNSPrefix: true,
  processEntities: true,
  parseTagValue: false,
  trimValues: false,
});

function nameOf(n: OrderedNode): string {
  return Object.keys(n).find((k) => k !== ':@') ?? '';
}

function childrenOf(n: OrderedNode): OrderedNode[] {
  const v = n[nameOf(n)];
  return Array.isArray(v) ? (v as OrderedNode[]) : [];
}

function attr(n: OrderedNode, name: string): string | null {
  const a = n[':@'] as Record<string, string> | undefined;
  return a?.[name] ?? null;
}

/** Elements reached by a path of local names, e.g. `fileDesc/titleStmt/title`. */
function select(nodes: readonly OrderedNode[], path: string): OrderedNode[] {
  let cur = [...nodes];
  for (const step of path.split('/')) cur = cur.flatMap((n) => childrenOf(n).filter((c) => nameOf(c) === step));
  return cur;
}

/** The string value with whitespace normalised, as XPath's normalize-space(). */
function text(n: OrderedNode): string {
  const walk = (x: OrderedNode): string => (nameOf(x) === '#text' ? String(x['#text']) : childrenOf(x).map(walk).join(' '));
  return walk(n).replace(/\s+/g, ' ').trim();
}

const nonEmpty = (xs: Array<string | null>): string[] => [...new Set(xs.filter((x): x is string => !!x && x.length > 0))];

/**
 * Reads the first `<teiHeader>` (for a teiCorpus: the corpus header) without parsing the body,
 * so metadata of a 4 MB register costs what its header costs. Returns null when there is no header.
 */
export function readHeader(xml: string): HeaderMetadata | null {
  const start = xml.search(/<([\w.-]+:)?teiHeader[\s>]/);
  if (start < 0) return null;
  const endMatch = /<\/([\w.-]+:)?teiHeader\s*>/.exec(xml.slice(start));
  if (!endMatch) return null;
  const headerXml = xml.slice(start, start + endMatch.index + endMatch[0].length);
  const rootLang = /<([\w.-]+:)?(TEI|teiCorpus)\b[^>]*?\sxml:lang\s*=\s*["']([^"']+)["']/.exec(xml.slice(0, start))?.[3] ?? null;

  const header = (parser.parse(headerXml) as OrderedNode[]).filter((n) => nameOf(n) === 'teiHeader');
  const file = select(header, 'fileDesc');
  const titles = select(file, 'titleStmt/title');
  // The main title first: TEI marks it type="main", or gives it no type at all.
  titles.sort((a, b) => rank(a) - rank(b));
  const pub = select(file, 'publicationStmt');
  const profile = select(header, 'profileDesc');
  const licences = select(pub, 'availability/licence');
  const dates = select(pub, 'date');

  return {
    titles: nonEmpty(titles.map(text)),
    creators: nonEmpty(select(file, 'titleStmt/author').map(text)),
    contributors: nonEmpty([...select(file, 'titleStmt/editor'), ...select(file, 'titleStmt/respStmt/name'), ...select(file, 'titleStmt/respStmt/persName')].map(text)),
    publishers: nonEmpty([...select(pub, 'publisher'), ...select(pub, 'authority'), ...select(pub, 'distributor')].map(text)),
    date: dates.length ? (attr(dates[0]!, 'when') ?? (text(dates[0]!) || null)) : null,
    identifiers: nonEmpty(select(pub, 'idno').map(text)),
    rights: nonEmpty([...licences.map((l) => attr(l, 'target')), ...licences.map(text), ...select(pub, 'availability/p').map(text)]),
    languages: nonEmpty([...select(profile, 'langUsage/language').map((l) => attr(l, 'ident')), rootLang]),
    subjects: nonEmpty(select(profile, 'textClass/keywords/term').map(text)),
    description: nonEmpty(select(profile, 'abstract').map(text))[0] ?? null,
    source: nonEmpty([...select(file, 'sourceDesc/bibl'), ...select(file, 'sourceDesc/biblStruct'), ...select(file, 'sourceDesc/p')].map(text))[0] ?? null,
  };
}

function rank(title: OrderedNode): number {
  const type = attr(title, 'type');
  return type === 'main' ? 0 : type === null ? 1 : 2;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** An OAI-PMH `oai_dc` record (Dublin Core, the format every OAI repository accepts) for one document. */
export function oaiDc(meta: HeaderMetadata, identifier: string): string {
  const el = (name: string, values: readonly string[]) => values.map((v) => `  <dc:${name}>${escapeXml(v)}</dc:${name}>\n`).join('');
  return (
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    '<oai_dc:dc xmlns:oai_dc="http://www.openarchives.org/OAI/2.0/oai_dc/" xmlns:dc="http://purl.org/dc/elements/1.1/"\n' +
    '  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"\n' +
    '  xsi:schemaLocation="http://www.openarchives.org/OAI/2.0/oai_dc/ http://www.openarchives.org/OAI/2.0/oai_dc.xsd">\n' +
    el('title', meta.titles) +
    el('creator', meta.creators) +
    el('contributor', meta.contributors) +
    el('subject', meta.subjects) +
    el('description', meta.description ? [meta.description] : []) +
    el('publisher', meta.publishers) +
    el('date', meta.date ? [meta.date] : []) +
    el('type', ['Text']) +
    el('format', ['application/tei+xml']) +
    el('identifier', [...meta.identifiers, identifier]) +
    el('source', meta.source ? [meta.source] : []) +
    el('language', meta.languages) +
    el('rights', meta.rights) +
    '</oai_dc:dc>\n'
  );
}
