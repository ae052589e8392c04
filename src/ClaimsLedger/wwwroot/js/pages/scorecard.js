// A speaker's scorecard: verdict counts per rating next to the statements recorded and checked,
// the claims behind them, and shifts per topic. asOf and knownAt as everywhere.
import { h, get, section, table, heading, timelineHref } from '../shared.js';
import { chart } from '../chart.js';

export const name = 'scorecard';

export async function render(main, { params, query }) {
  const card = await get(`/api/speakers/${params.id}/scorecard`, { asOf: query.asOf, knownAt: query.knownAt });
  const canvas = h('div', { class: 'chart small', role: 'img', 'aria-label': 'Claims per rating; the same counts are in the table' });
  main.append(heading(card.name, h('p', { class: 'subtitle' }, card.roles.map(role => `${role.title} (${role.organizationName}, since ${role.since}${role.until ? ` until ${role.until}` : ''})`).join('; '))),
    h('section', { class: 'card', id: 'scorecard-counts' },
      h('p', {}, h('strong', {}, String(card.statementsRecorded)), ' statements recorded · ', h('strong', {}, String(card.statementsChecked)),
        ' checked · ', h('strong', {}, String(card.claimsRated)), ' claims rated', card.partial ? ' (the most recent statements only)' : ''),
      canvas,
      table('Claims per rating', ['Rating', 'Scale', 'Claims', 'Statements'],
        card.ratings.map(rating => [rating.label, `${rating.scale} v${rating.scaleVersion}`, String(rating.claims), String(rating.statements)]), { class: 'compact' })),
    section('Rated claims', card.claims.length
      ? h('ul', {}, card.claims.map(claim => h('li', {}, h('a', { href: `#/claims/${claim.claimId}` }, claim.text), ` — ${claim.label} (${claim.publishedAt})`)))
      : h('p', { class: 'muted' }, 'No rated claims.')),
    section('Shifts per topic', table('Position shifts on each topic', ['Topic', 'Assessed', 'No Flip', 'Half Flip', 'Full Flop', 'Current'],
      card.topics.map(topic => [h('a', { href: timelineHref('speaker', card.speakerId, topic.topicId) }, topic.title), String(topic.assessedStatements),
        String(topic.noFlip), String(topic.halfFlip), String(topic.fullFlop), topic.currentStance ?? '—']))));
  const drawn = chart(canvas, {
    animation: false,
    tooltip: { trigger: 'axis' },
    grid: { left: 8, right: 16, top: 16, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: card.ratings.map(rating => rating.label).reverse() },
    series: [{ name: 'Claims', type: 'bar', data: card.ratings.map(rating => rating.claims).reverse() }],
  });
  return () => drawn.dispose();
}
