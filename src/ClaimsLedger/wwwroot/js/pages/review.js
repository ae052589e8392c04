// The review queue for ingested articles: pending articles, and one article's candidates with
// accept / reject for recorders (readers see the queue without any write control).
import { h, clear, get, post, problemView, table, instant, externalLink, heading, section } from '../shared.js';

export const name = 'review';

export async function render(main, { params, user }) {
  if (!params.id) return queue(main);
  const host = h('div', {});
  main.append(host);
  const show = async notice => {
    const article = await get(`/api/articles/${params.id}`);
    clear(host).append(articleView(article, user, show), notice ?? '');
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

function articleView(article, user, reload) {
  const version = article.version;
  const decide = async (path, body, button) => {
    button.disabled = true;
    try {
      await post(path, body);
      await reload(h('p', { role: 'status', class: 'ok' }, 'Saved.'));
    } catch (error) {
      button.disabled = false;
      button.closest('li').append(problemView(error));
    }
  };
  return h('div', {},
    heading(article.title ?? 'Article', h('p', { class: 'subtitle' }, article.outlet ?? '', ' · ', article.url ? externalLink(article.url) : 'no URL',
      ` · published ${article.publishedAt ?? 'unknown'} · submitted ${instant(article.submittedAt)} by ${article.submittedBy}`)),
    section('Candidates', h('ol', { class: 'candidates', id: 'candidates' }, article.candidates.map(({ candidate, status, reason, decidedBy, statementId }) => {
      const controls = [];
      if (user.canRecord && status === 'pending') {
        const reasonInput = h('input', { type: 'text', id: `reason-${candidate.number}`, placeholder: 'e.g. headline', required: true });
        const accept = h('button', { type: 'button', class: 'accept' }, 'Accept');
        const reject = h('button', { type: 'button', class: 'reject secondary' }, 'Reject');
        accept.addEventListener('click', () => decide(`/api/articles/${article.id}/candidates/${candidate.number}/accept`, { expectedVersion: version }, accept));
        reject.addEventListener('click', () => reasonInput.value.trim()
          ? decide(`/api/articles/${article.id}/candidates/${candidate.number}/reject`, { expectedVersion: version, reason: reasonInput.value.trim() }, reject)
          : reasonInput.focus());
        controls.push(h('div', { class: 'controls decision' }, accept, h('label', { for: reasonInput.id }, 'Reason to reject'), reasonInput, reject));
      }
      return h('li', { class: `candidate ${status}` },
        h('blockquote', {}, `“${candidate.quote}”`),
        h('p', { class: 'meta' }, candidate.speaker.speakerId ? candidate.speaker.name : `${candidate.speaker.name} (not in the registry${candidate.speaker.proposed ? ': proposed' : ''})`,
          ` · as written “${candidate.speaker.asWritten ?? ''}” · ${candidate.kind} · ${candidate.verb ?? 'no verb'} · confidence ${candidate.confidence} · stated ${candidate.statedAt ?? '—'}`),
        h('p', {}, h('span', { class: `badge ${status}` }, status),
          decidedBy ? ` by ${decidedBy}` : '', reason ? ` (${reason})` : '',
          statementId ? [' · ', h('a', { href: `#/statements/${statementId}` }, 'the statement')] : ''),
        controls);
    }))),
    section('Text read', h('pre', { class: 'article-text' }, article.text)));
}
