// Sign-in: paste a bearer token (ops/run writes one per role to .local/dev-tokens.env).
import { signIn } from '../auth.js';
import { h, heading } from '../shared.js';

export const name = 'signin';

export function render(main, { query }) {
  const error = h('p', { class: 'problem', role: 'alert', hidden: true });
  const input = h('textarea', { id: 'token', name: 'token', rows: 5, required: true, spellcheck: 'false', autocomplete: 'off' });
  const form = h('form', { class: 'card narrow', on: { submit: event => {
    event.preventDefault();
    try {
      signIn(input.value);
      location.hash = '#/';
    } catch (failure) {
      error.hidden = false;
      error.textContent = failure.message;
      input.focus();
    }
  } } },
    h('label', { for: 'token' }, 'Bearer token'),
    h('p', { class: 'hint', id: 'token-hint' }, 'Paste the JWT your identity provider issued (with ops/run: a line of .local/dev-tokens.env). ',
      'It stays in this tab only and is sent to this service alone.'),
    input,
    error,
    h('button', { type: 'submit' }, 'Sign in'));
  input.setAttribute('aria-describedby', 'token-hint');
  main.append(
    heading('Sign in'),
    query.expired ? h('p', { class: 'problem', role: 'alert' }, 'The service refused the token (expired or not valid): sign in again.') : null,
    form);
  input.focus();
}
