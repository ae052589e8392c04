// Quote search. Each result's snippet is the one piece of server HTML the dashboard inserts: the API
// escapes the quote and adds only <mark> (see snippet() in dom.js); everything else is text.
import { h, clear, get, snippet, problemView, heading, replaceQuery } from '../shared.js';

export const name = 'search';

export async function render(main, { query }) {
  const input = h('input', { type: 'search', id: 'q', name: 'q', value: query.q ?? '', required: true, autocomplete: 'off' });
  const results = h('div', { id: 'search-results', 'aria-live': 'polite' });
  main.append(heading('Search quotes'),
    h('form', { class: 'controls card', role: 'search', on: { submit: event => { event.preventDefault(); run(); } } },
      h('label', { for: 'q' }, 'Words or "a phrase"'), input, h('button', { type: 'submit' }, 'Search')),
    results);

  async function run(cursor) {
    const q = input.value.trim();
    if (!q) return;
    replaceQuery({ q });
    if (!cursor) clear(results);
    try {
      const page = await get('/api/search/statements', { q, cursor, limit: 20 });
      results.querySelector('.more')?.remove();
      if (!cursor) results.append(h('p', { class: 'meta', role: 'status' }, page.items.length ? `Results for ${q}` : `Nothing matches ${q}.`));
      let list = results.querySelector('ol');
      if (!list) results.append(list = h('ol', { class: 'items' }));
      list.append(...page.items.map(item => h('li', { class: 'result' },
        h('p', {}, h('a', { href: `#/statements/${item.id}` }, '“', snippet(item.snippet), '”')),
        h('p', { class: 'meta' }, h('a', { href: `#/speakers/${item.speaker.id}/scorecard` }, item.speaker.name),
          item.role ? `, ${item.role}` : '', item.organization ? ` (${item.organization.name})` : '',
          ` · stated ${item.statedAt} · ${item.outlets.join(', ')}`, item.retracted ? ' · retracted' : ''))));
      if (page.nextCursor) results.append(h('button', { type: 'button', class: 'more secondary', on: { click: () => run(page.nextCursor) } }, 'More results'));
    } catch (error) {
      results.append(problemView(error));
    }
  }

  if (query.q) await run();
  input.focus();
}
