// A strict-enough XML well-formedness check for the bench's SVG output (no
// dependency): one root, balanced tags, quoted attributes, escaped text.

export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  /** Text directly inside the element, entities decoded. */
  text: string;
  children: XmlElement[];
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decode(s: string, where: string): string {
  return s.replace(/&([a-z]+|#\d+);|&/g, (m, name: string | undefined) => {
    if (!name) throw new Error('bare & in ' + where);
    if (name.startsWith('#')) return String.fromCodePoint(Number(name.slice(1)));
    const v = ENTITIES[name];
    if (v === undefined) throw new Error('unknown entity ' + m + ' in ' + where);
    return v;
  });
}

/** Parses a document; throws on anything not well-formed. */
export function parseXml(doc: string): XmlElement {
  let at = 0;
  const decl = /^<\?xml[^?]*\?>\s*/.exec(doc);
  if (decl) at = decl[0].length;
  const root: XmlElement = { name: '#document', attrs: {}, text: '', children: [] };
  const stack: XmlElement[] = [root];
  const tag = /<(\/?)([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*"[^"<]*")*)\s*(\/?)>/y;
  const attr = /([A-Za-z_][\w:.-]*)\s*=\s*"([^"<]*)"/g;
  while (at < doc.length) {
    const lt = doc.indexOf('<', at);
    const text = doc.slice(at, lt < 0 ? doc.length : lt);
    if (text.trim() !== '') {
      if (stack.length === 1) throw new Error('text outside the root element: ' + text.slice(0, 40));
      stack[stack.length - 1].text += decode(text, 'text');
    }
    if (lt < 0) break;
    if (doc.startsWith('<!--', lt)) {
      const end = doc.indexOf('-->', lt);
      if (end < 0) throw new Error('unterminated comment');
      at = end + 3;
      continue;
    }
    tag.lastIndex = lt;
    const m = tag.exec(doc);
    if (!m) throw new Error('malformed tag at ' + lt + ': ' + doc.slice(lt, lt + 60));
    const [, close, name, attrText, selfClose] = m;
    at = tag.lastIndex;
    if (close) {
      if (attrText || selfClose) throw new Error('malformed end tag </' + name + '>');
      const open = stack.pop()!;
      if (open.name !== name) throw new Error(`</${name}> closes <${open.name}>`);
      continue;
    }
    const attrs: Record<string, string> = {};
    for (const a of attrText.matchAll(attr)) {
      if (a[1] in attrs) throw new Error('duplicate attribute ' + a[1] + ' on <' + name + '>');
      attrs[a[1]] = decode(a[2], 'attribute ' + a[1]);
    }
    const el: XmlElement = { name, attrs, text: '', children: [] };
    if (stack.length === 1 && root.children.length > 0) throw new Error('a second root element <' + name + '>');
    stack[stack.length - 1].children.push(el);
    if (!selfClose) stack.push(el);
  }
  if (stack.length !== 1) throw new Error('unclosed <' + stack[stack.length - 1].name + '>');
  if (root.children.length !== 1) throw new Error('no root element');
  return root.children[0];
}

/** Every element below (and including) el, depth first. */
export function allElements(el: XmlElement): XmlElement[] {
  return [el, ...el.children.flatMap(allElements)];
}

/** The series groups of a bench chart, by name. */
export function seriesOf(svg: XmlElement): Map<string, XmlElement> {
  const out = new Map<string, XmlElement>();
  for (const e of allElements(svg)) if (e.name === 'g' && e.attrs.class === 'series') out.set(e.attrs['data-series'], e);
  return out;
}
