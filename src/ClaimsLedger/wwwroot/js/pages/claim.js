// A claim's history: its statements and every verdict and revision, in order.
import { h, get, section, table, externalLink, instant, attribution, heading } from '../shared.js';

export const name = 'claim';

export async function render(main, { params }) {
  const claim = await get(`/api/claims/${params.id}`);
  main.append(heading(claim.text),
    h('section', { class: 'card' },
      claim.context ? h('p', {}, claim.context) : null,
      h('p', {}, 'Verdict in force: ', h('strong', { id: 'claim-verdict' }, claim.current?.headline ?? 'none yet'),
        ` · scale ${claim.scale.name} (version ${claim.scale.currentVersion})`)),
    section('History', h('ol', { class: 'history', id: 'claim-history' }, claim.history.map(entry => h('li', {},
      h('span', { class: 'meta' }, entry.at, ' · ', entry.kind), ' ',
      entry.statementId ? h('a', { href: `#/statements/${entry.statementId}` }, entry.summary) : entry.summary)))),
    section('Statements', table('Statements linked to the claim', ['Quote', 'Said by', 'Relation', 'Note'],
      claim.statements.map(statement => [h('a', { href: `#/statements/${statement.statementId}` }, `“${statement.quote}”`),
        attribution(statement.attribution), statement.relation, statement.note ?? '']))),
    section('Verdicts', h('ol', {}, claim.verdicts.map(verdict => h('li', { class: verdict.inForce ? 'in-force' : 'superseded' },
      h('strong', {}, verdict.headline), ` · published ${verdict.publishedAt} · ${verdict.reviewer}`,
      h('p', {}, verdict.rationale),
      verdict.reason ? h('p', { class: 'meta' }, `Revised because: ${verdict.reason}`) : null,
      verdict.evidence?.length ? h('p', { class: 'meta' }, 'Evidence: ', verdict.evidence.map(link => [externalLink(link), ' '])) : null,
      h('p', { class: 'meta' }, `Recorded ${instant(verdict.recordedAt)}`))))));
}
