// Building DOM without innerHTML: every string given here becomes a text node or an attribute value,
// so text that came from users (quotes, names, rationales) can never turn into markup.

/**
 * h('a', { href: '#/x', class: 'link', on: { click } }, 'text', childNode, [more, children])
 * Attributes are set with setAttribute (false/null/undefined are skipped); children are nodes or text.
 */
export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes ?? {})) {
    if (name === 'on') {
      for (const [event, handler] of Object.entries(value)) element.addEventListener(event, handler);
    } else if (value !== false && value !== null && value !== undefined) {
      element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

/**
 * The one place HTML from the server is inserted: a search snippet, which the API builds from an
 * HTML-escaped quote with <mark> as its only tag. It is parsed inert (a <template> runs nothing) and
 * kept only if it holds nothing but text and attribute-less <mark> elements; anything else is shown
 * as plain text.
 */
export function snippet(html) {
  const template = document.createElement('template');
  template.innerHTML = html;
  const onlyMarks = [...template.content.childNodes].every(node =>
    node.nodeType === Node.TEXT_NODE ||
    (node.nodeName === 'MARK' && node.attributes.length === 0 &&
      [...node.childNodes].every(inner => inner.nodeType === Node.TEXT_NODE)));
  const span = h('span', { class: 'snippet' });
  if (onlyMarks) span.append(template.content);
  else span.textContent = template.content.textContent ?? '';
  return span;
}

/** A link to a URL that came from data: only http(s) URLs become links, anything else stays text. */
export function externalLink(url, text) {
  try {
    const parsed = new URL(url);
    if (parsed.protocol === 'http:' || parsed.protocol === 'https:') {
      return h('a', { href: parsed.href, rel: 'noopener noreferrer', target: '_blank' }, text ?? url);
    }
  } catch { /* not a URL: show as text */ }
  return h('span', {}, text ?? url ?? '');
}

export function table(caption, headings, rows, attributes = {}) {
  return h('div', { class: 'table-wrap' },
    h('table', attributes,
      h('caption', {}, caption),
      h('thead', {}, h('tr', {}, headings.map(heading => h('th', { scope: 'col' }, heading)))),
      h('tbody', {}, rows.map(cells => h('tr', {}, cells.map(cell => h('td', {}, cell)))))));
}

export function section(title, ...children) {
  return h('section', { class: 'card' }, h('h2', {}, title), children);
}

export function loading(text = 'Loading…') {
  return h('p', { class: 'muted', role: 'status' }, text);
}

/** "2026-11-24T23:39:06.754603+00:00" -> "2026-11-24 23:39:06 UTC" (recorded times are UTC instants). */
export function instant(value) {
  if (!value) return '';
  return String(value).replace('T', ' ').replace(/(\.\d+)?(\+00:00|Z)$/, ' UTC');
}
