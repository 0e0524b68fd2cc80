/**
 * A small element tree for the edition tests, built with fast-xml-parser (order preserved).
 * The tests need document order, attributes and mixed content, nothing more; a DOM would be overkill.
 */
import { XMLParser } from 'fast-xml-parser';

export interface El {
  name: string;
  attrs: Record<string, string>;
  children: Node[];
  parent: El | null;
}
export type Node = El | string;

// preserveOrder output: each node is {tag: children, ':@'?: attributes} or {'#text': text}.
type Raw = Record<string, unknown>;

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  trimValues: false,
  parseTagValue: false,
  parseAttributeValue: false,
  processEntities: true,
  ignorePiTags: true,
  commentPropName: '#comment',
});

function build(raw: Raw[], parent: El | null): Node[] {
  const out: Node[] = [];
  for (const node of raw) {
    if ('#text' in node) {
      out.push(String(node['#text']));
      continue;
    }
    const name = Object.keys(node).find((k) => k !== ':@');
    if (name === undefined || name === '#comment') continue;
    const el: El = { name, attrs: (node[':@'] as Record<string, string> | undefined) ?? {}, children: [], parent };
    el.children = build(node[name] as Raw[], el);
    out.push(el);
  }
  return out;
}

/** Parses a document and returns its root element. */
export function parseXml(text: string): El {
  const root = build(parser.parse(text) as Raw[], null).find((n): n is El => typeof n !== 'string');
  if (!root) throw new Error('no root element');
  return root;
}

/** All elements under (and including) `el`, in document order. */
export function* elements(el: El): Generator<El> {
  yield el;
  for (const c of el.children) if (typeof c !== 'string') yield* elements(c);
}

export function find(el: El, name: string): El[] {
  return [...elements(el)].filter((e) => e.name === name);
}

export function first(el: El, name: string): El {
  const hit = find(el, name)[0];
  if (!hit) throw new Error(`no <${name}> under <${el.name}>`);
  return hit;
}

/** Character content of `node`, leaving out subtrees for which `skip` is true. */
export function textOf(node: Node, skip: (e: El) => boolean = () => false): string {
  if (typeof node === 'string') return node;
  if (skip(node)) return '';
  return node.children.map((c) => textOf(c, skip)).join('');
}

export function ancestors(el: El): El[] {
  const out: El[] = [];
  for (let p = el.parent; p; p = p.parent) out.push(p);
  return out;
}

/** The tokens of a pointer attribute value. */
export function tokens(value: string | undefined): string[] {
  return (value ?? '').split(/\s+/).filter(Boolean);
}
