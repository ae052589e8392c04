// The review queue for ingested articles: pending articles, and one article's candidates. Recorders
// (and editors, admins) edit a pending candidate in place — speaker, kind, stated time — and accept or
// reject it, one at a time or several together; readers see the queue without any write control.
import { h, append, clear, get, post, problemView, table, instant, externalLink, heading, section } from '../shared.js';

export const name = 'review';

const kinds = ['direct', 'partial', 'indirect'];

export async function render(main, { params, user }) {
  if (!params.id) return queue(main);
  const host = h('div', {});
  main.append(host);
  const show = async notice => {
    const article = await get(`/api/articles/${params.id}`);
    const names = user.canRecord ? await alternativeNames(article) : new Map();
    clear(host).append(articleView(article, user, names, show), notice ?? '');
  };
  await show();
}

async function queue(main) {
  const page = await get('/api/articles', { status: 'pending', limit: 50 });
  main.append(heading('Review queue'),
    page.items.length
      ? table('Articles with candidates waiting for a decision', ['Article', 'Outlet', 'Published', 'Pending', 'Accepted', 'Rejected', 'Submitted'],
        page.items.map(article => [h('a', { href: `#/review/${article.id}` }, article.title ?? `Article ${article.contentSha256.slice(0, 12)}`),
          article.outlet ?? '—', article.publishedAt ?? '—', String(article.pending), String(article.accepted), String(article.rejected),
          `${instant(article.submittedAt)} by ${article.submittedBy}`]), { id: 'review-queue' })
      : h('p', { class: 'muted' }, 'Nothing waiting for review.'));
}

/** The names of the registered speakers that pending candidates offer as alternatives (id -> name). */
async function alternativeNames(article) {
  const ids = [...new Set(article.candidates.filter(item => item.status === 'pending')
    .flatMap(item => item.candidate.speaker.alternatives ?? []))];
  const found = await Promise.all(ids.map(id => get(`/api/speakers/${id}`).then(speaker => [id, speaker.name], () => [id, `Speaker ${id}`])));
  return new Map(found);
}

function articleView(article, user, names, reload) {
  const version = article.version;
  const editors = new Map();
  const bulkStatus = h('div', { class: 'bulk-status' });

  const decide = async (path, body, button, where) => {
    button.disabled = true;
    where.querySelectorAll(':scope > .problem').forEach(old => old.remove());
    try {
      await post(path, body);
      await reload(h('p', { role: 'status', class: 'ok' }, 'Saved.'));
    } catch (error) {
      button.disabled = false;
      where.append(problemView(error));
    }
  };

  const candidates = article.candidates.map(({ candidate, status, reason, decidedBy, statementId, overrides }) => {
    const item = h('li', { class: `candidate ${status}`, 'data-number': candidate.number });
    const controls = [];
    if (user.canRecord && status === 'pending') {
      const editor = candidateEditor(candidate, names);
      editors.set(candidate.number, editor);
      const reasonInput = h('input', { type: 'text', id: `reason-${candidate.number}`, placeholder: 'e.g. headline', required: true });
      const accept = h('button', { type: 'button', class: 'accept' }, 'Accept');
      const reject = h('button', { type: 'button', class: 'reject secondary' }, 'Reject');
      accept.addEventListener('click', () => {
        const edits = editor.edits();
        decide(`/api/articles/${article.id}/candidates/${candidate.number}/accept`,
          edits ? { expectedVersion: version, edits } : { expectedVersion: version }, accept, item);
      });
      reject.addEventListener('click', () => reasonInput.value.trim()
        ? decide(`/api/articles/${article.id}/candidates/${candidate.number}/reject`, { expectedVersion: version, reason: reasonInput.value.trim() }, reject, item)
        : reasonInput.focus());
      controls.push(editor.element,
        h('div', { class: 'controls decision' }, accept, h('label', { for: reasonInput.id }, 'Reason to reject'), reasonInput, reject));
    }
    return append(item, [
      h('blockquote', {}, `“${candidate.quote}”`),
      h('p', { class: 'meta' }, suggestedSpeaker(candidate.speaker),
        ` · as written “${candidate.speaker.asWritten ?? ''}” · ${candidate.kind} · ${candidate.verb ?? 'no verb'} · confidence ${candidate.confidence} · stated ${candidate.statedAt ?? '—'}`),
      h('p', {}, h('span', { class: `badge ${status}` }, status),
        decidedBy ? ` by ${decidedBy}` : '', reason ? ` (${reason})` : '',
        statementId ? [' · ', h('a', { href: `#/statements/${statementId}` }, 'the statement')] : '',
        overrides?.length ? ` · changed: ${overrides.map(change => change.field).join(', ')}` : ''),
      controls]);
  });

  const bulk = [];
  if (editors.size > 0) {
    const acceptSelected = h('button', { type: 'button', id: 'accept-selected' }, 'Accept all selected');
    acceptSelected.addEventListener('click', () => {
      const chosen = [...editors].filter(([, editor]) => editor.selected());
      if (!chosen.length) {
        clear(bulkStatus).append(h('p', { role: 'status', class: 'warn' }, 'Select at least one candidate first.'));
        return;
      }
      clear(bulkStatus);
      decide(`/api/articles/${article.id}/candidates/accept`, {
        expectedVersion: version,
        candidates: chosen.map(([number, editor]) => {
          const edits = editor.edits();
          return edits ? { number, edits } : { number };
        }),
      }, acceptSelected, bulkStatus);
    });
    bulk.push(h('div', { class: 'controls bulk' }, acceptSelected,
      h('span', { class: 'hint' }, 'Accepts every ticked candidate with its edits: all of them, or none.')), bulkStatus);
  }

  return h('div', {},
    heading(article.title ?? 'Article', h('p', { class: 'subtitle' }, article.outlet ?? '', ' · ', article.url ? externalLink(article.url) : 'no URL',
      ` · published ${article.publishedAt ?? 'unknown'} · submitted ${instant(article.submittedAt)} by ${article.submittedBy}`)),
    section('Candidates', bulk, h('ol', { class: 'candidates', id: 'candidates' }, candidates)),
    section('Text read', h('pre', { class: 'article-text' }, article.text)));
}

function suggestedSpeaker(speaker) {
  if (speaker.speakerId) return speaker.name;
  if (speaker.alternatives?.length) return `${speaker.name} (several registered speakers match: choose one)`;
  return `${speaker.name} (not in the registry${speaker.proposed ? ': proposed' : ''})`;
}

/**
 * The in-place editor of one pending candidate: a speaker chosen from the registry (search as you
 * type), the kind, the stated time, and whether it is among those accepted together. edits() gives
 * only what differs from the suggestion, or null when nothing does.
 */
function candidateEditor(candidate, names) {
  const number = candidate.number;
  const suggestion = candidate.speaker;
  const id = field => `candidate-${number}-${field}`;

  const search = h('input', { type: 'search', id: id('speaker-search'), autocomplete: 'off', placeholder: 'Type a name…',
    'aria-controls': id('speaker') });
  const speaker = h('select', { id: id('speaker') });
  const found = h('span', { class: 'hint', id: id('speaker-found'), role: 'status', 'aria-live': 'polite' });
  speaker.setAttribute('aria-describedby', found.id);

  const option = (value, text) => h('option', { value }, text);
  const fixedOptions = () => [
    suggestion.speakerId
      ? option(suggestion.speakerId, `${suggestion.name} (as suggested)`)
      : option('', `Choose a speaker (suggested “${suggestion.name}”${suggestion.proposed ? ' is not registered' : ''})`),
    ...(suggestion.alternatives ?? []).map(alternative => option(alternative, `${names.get(alternative) ?? alternative} (a match)`)),
  ];
  speaker.append(...fixedOptions());

  let asked = 0;
  let timer = null;
  const lookUp = async () => {
    const query = search.value.trim();
    const ticket = ++asked;
    if (!query) {
      const keep = speaker.value;
      speaker.replaceChildren(...fixedOptions());
      if ([...speaker.options].some(entry => entry.value === keep)) speaker.value = keep;
      found.textContent = '';
      return;
    }
    try {
      const page = await get('/api/speakers', { q: query, limit: 10 });
      if (ticket !== asked) return; // a later keystroke asked again
      const keep = speaker.value;
      const fixed = fixedOptions();
      const known = new Set(fixed.map(entry => entry.value));
      const results = page.items.filter(entry => !known.has(entry.id))
        .map(entry => option(entry.id, entry.description ? `${entry.name} — ${entry.description}` : entry.name));
      speaker.replaceChildren(...fixed, ...(results.length ? [h('optgroup', { label: `Registered speakers matching “${query}”` }, results)] : []));
      if ([...speaker.options].some(entry => entry.value === keep)) speaker.value = keep;
      found.textContent = results.length ? `${results.length} registered speaker${results.length === 1 ? '' : 's'} found` : 'No registered speaker starts with that';
    } catch (error) {
      if (ticket === asked) found.replaceChildren(problemView(error));
    }
  };
  search.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(lookUp, 200);
  });
  search.addEventListener('keydown', event => {
    if (event.key === 'Enter') {
      event.preventDefault();
      clearTimeout(timer);
      lookUp().then(() => speaker.focus());
    }
  });

  const kind = h('select', { id: id('kind') }, kinds.map(value => h('option', { value, selected: value === candidate.kind }, value)));
  const statedAt = h('input', { type: 'text', id: id('stated'), value: candidate.statedAt ?? '', placeholder: '2016-01-27', inputmode: 'numeric',
    size: 12 });
  const select = h('input', { type: 'checkbox', id: id('select') });

  const element = h('fieldset', { class: 'edit' },
    h('legend', {}, `Edit candidate ${number} before accepting`),
    h('div', { class: 'controls' },
      h('label', { for: search.id }, 'Find a speaker'), search,
      h('label', { for: speaker.id }, 'Speaker'), speaker, found),
    h('div', { class: 'controls' },
      h('label', { for: kind.id }, 'Kind'), kind,
      h('label', { for: statedAt.id }, 'Stated (e.g. 2016-01-27)'), statedAt,
      h('span', { class: 'check' }, select, h('label', { for: select.id }, 'Include in “Accept all selected”'))));

  return {
    element,
    selected: () => select.checked,
    edits() {
      const edits = {};
      if (speaker.value && speaker.value !== suggestion.speakerId) edits.speakerId = speaker.value;
      if (kind.value !== candidate.kind) edits.kind = kind.value;
      const stated = statedAt.value.trim();
      if (stated && stated !== (candidate.statedAt ?? '')) edits.statedAt = stated;
      return Object.keys(edits).length ? edits : null;
    },
  };
}
