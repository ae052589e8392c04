// Entry point: the navigation, who is signed in, and which page the hash shows.
import { user, signOut } from './auth.js';
import { h, clear, problemView } from './shared.js';
import { route } from './router.js';
import * as signin from './pages/signin.js';
import * as overview from './pages/overview.js';
import * as timeline from './pages/timeline.js';
import * as statement from './pages/statement.js';
import * as claim from './pages/claim.js';
import * as scorecard from './pages/scorecard.js';
import * as search from './pages/search.js';
import * as review from './pages/review.js';
import * as audit from './pages/audit.js';

const routes = [
  ['/signin', signin],
  ['/', overview],
  ['/timeline/:actorKind/:actorId/:topicId', timeline],
  ['/statements/:id', statement],
  ['/claims/:id', claim],
  ['/speakers/:id/scorecard', scorecard],
  ['/search', search],
  ['/review', review],
  ['/review/:id', review],
  ['/audit', audit],
];

const main = document.getElementById('main');
let cleanup = null;

function navigation(current) {
  const links = [['#/', 'Overview'], ['#/search', 'Search'], ['#/review', 'Review queue']];
  if (current?.canAudit) links.push(['#/audit', 'Audit']);
  const here = location.hash.split('?')[0] || '#/';
  clear(document.getElementById('nav')).append(h('ul', {},
    links.map(([href, text]) => h('li', {}, h('a', { href, 'aria-current': here === href ? 'page' : false }, text)))));
  const who = clear(document.getElementById('who'));
  if (current) {
    who.append(h('span', { class: 'user' }, current.name, ' ', h('span', { class: 'roles' }, `(${current.roles.join(', ') || 'no role'})`)),
      h('button', { type: 'button', class: 'link', id: 'sign-out', on: { click: () => { signOut(); location.hash = '#/signin'; } } }, 'Sign out'));
  }
}

async function show() {
  cleanup?.();
  cleanup = null;
  const current = user();
  let match = route(location.hash, routes);
  if (!current && match?.page !== signin) {
    location.replace('#/signin');
    return;
  }
  navigation(current);
  clear(main);
  if (!match) {
    main.append(h('h1', {}, 'Not found'), h('p', {}, 'No page here. ', h('a', { href: '#/' }, 'Back to the overview.')));
    return;
  }
  try {
    cleanup = (await match.page.render(main, { params: match.params, query: match.query, user: current })) ?? null;
  } catch (error) {
    main.append(problemView(error));
  }
  document.body.dataset.page = match.page.name ?? '';
}

window.addEventListener('hashchange', () => { show().then(() => main.focus({ preventScroll: true })); });
show();
