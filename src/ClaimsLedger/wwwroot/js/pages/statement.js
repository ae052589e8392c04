// One statement: its current quote, attribution, sources, stances, claims and corrections; for
// auditors, every event of its stream with who recorded it and when.
import { h, get, section, table, externalLink, instant, attribution, heading, problemView } from '../shared.js';
import { verifyInclusion } from '../merkle.js';

export const name = 'statement';

export async function render(main, { params, user }) {
  const statement = await get(`/api/statements/${params.id}`);
  main.append(heading('Statement'),
    h('article', { class: 'card' },
      h('blockquote', { class: 'quote large', id: 'statement-quote' }, `“${statement.quote}”`),
      h('p', {}, attribution(statement.attribution), ` · stated ${statement.statedAt} · ${statement.kind}`),
      statement.retraction ? h('p', {}, h('span', { class: 'badge retracted' }, 'Retracted'), ` on ${statement.retraction.retractedAt}`, statement.retraction.note ? `: ${statement.retraction.note}` : '') : null,
      h('p', { class: 'meta' }, `Recorded ${instant(statement.recordedAt)} · version ${statement.version} · ${statement.status}`)),
    section('Sources', table('Where it was reported', ['Outlet', 'Published', 'Via', 'Quote offsets', 'SHA-256 of the text read'],
      statement.sources.map(source => [externalLink(source.url, source.outlet), source.publishedAt ?? '—', source.reportedVia ?? '—',
        source.quoteStart === null || source.quoteStart === undefined ? '—' : `${source.quoteStart}–${source.quoteEnd}`, h('code', {}, source.contentSha256 ?? '—')]))),
    section('Stances', statement.stances?.length
      ? table('Stance readings', ['Topic', 'Stance', 'Why', 'Assessed'], await Promise.all(statement.stances.map(async stance => {
        const topic = await get(`/api/topics/${stance.topicId}`).catch(() => null);
        return [topic?.title ?? stance.topicId, stance.stance, stance.rationale ?? '', instant(stance.assessedAt)];
      })))
      : h('p', { class: 'muted' }, 'Not assessed.')),
    section('Claims', statement.claims?.length
      ? h('ul', {}, statement.claims.map(link => h('li', {}, h('a', { href: `#/claims/${link.claimId}` }, link.relation, ' a claim'), link.note ? ` — ${link.note}` : '')))
      : h('p', { class: 'muted' }, 'Linked to no claim.')),
    corrections(statement));
  if (user.canAudit) {
    const events = h('div', { id: 'stream-events' });
    main.append(section('Event stream (auditor)', events));
    try {
      const page = await get(`/api/streams/${params.id}/events`);
      const checkpoint = await get('/api/ledger/checkpoints/latest').catch(() => null);
      const rows = await Promise.all(page.items.map(async event => [String(event.version), String(event.sequence), event.type,
        instant(event.recordedAt), event.user ?? '', h('code', {}, event.correlationId ?? ''), await ledgerStatus(event, checkpoint)]));
      events.append(
        h('p', { class: 'meta', id: 'ledger-checkpoint' }, checkpoint
          ? `Latest signed checkpoint: ${checkpoint.treeSize} events, issued ${instant(checkpoint.createdAt)}.`
          : 'No checkpoint yet: events are proved once a checkpoint covers them.'),
        table('Every event of this statement, in order', ['Version', 'Sequence', 'Type', 'Recorded', 'By', 'Correlation', 'Ledger'], rows));
    } catch (error) {
      events.append(problemView(error));
    }
  }
}

function corrections(statement) {
  if (!statement.corrections?.length) return null;
  return section('Corrections', table('What was corrected, and what it replaced', ['Recorded', 'Kind', 'Reason', 'Before'],
    statement.corrections.map(correction => [instant(correction.recordedAt), correction.kind, correction.reason,
      correction.previousQuote ? `“${correction.previousQuote}”`
        : correction.previousAttribution ? `${correction.previousAttribution.speakerName}${correction.previousAttribution.roleTitle ? `, ${correction.previousAttribution.roleTitle}` : ''}` : '—'])));
}

/** Whether the event is proved in the latest checkpoint: the inclusion proof is checked here, in the browser. */
async function ledgerStatus(event, checkpoint) {
  if (!checkpoint) return h('span', { class: 'muted' }, 'not yet checkpointed');
  if (event.sequence > checkpoint.treeSize) return h('span', { class: 'muted' }, 'after the latest checkpoint');
  try {
    const proof = await get('/api/ledger/proofs/inclusion', { sequence: event.sequence, treeSize: checkpoint.treeSize });
    return await verifyInclusion(proof, checkpoint.rootHash)
      ? h('span', { class: 'badge proved', 'data-proof': 'verified' }, `proved in checkpoint ${checkpoint.treeSize}`)
      : h('span', { class: 'badge retracted', 'data-proof': 'failed' }, 'proof does not match the checkpoint');
  } catch (error) {
    return problemView(error);
  }
}
