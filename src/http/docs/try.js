// The docs page's "try a request" (served from the broker, same origin, no inline script): shows the forms,
// gets an access token at the token endpoint the page names (client credentials), and sends one request per
// form with it. The token lives in this variable only: never in storage, never in a URL.
let accessToken = '';

function show(output, text) {
  output.textContent = text;
}

async function answerText(res) {
  const text = await res.text();
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

function setUp() {
  for (const el of document.querySelectorAll('[data-try]')) el.hidden = false;
  for (const el of document.querySelectorAll('[data-nojs]')) el.hidden = true;

  const tokenForm = document.getElementById('token-form');
  tokenForm?.addEventListener('submit', async (event) => {
    event.preventDefault();
    const status = document.getElementById('token-status');
    const data = new FormData(tokenForm);
    const body = new URLSearchParams({
      grant_type: 'client_credentials',
      scope: tokenForm.dataset.scope ?? '',
      client_id: String(data.get('client_id') ?? ''),
      client_secret: String(data.get('client_secret') ?? ''),
    });
    try {
      const res = await fetch(tokenForm.dataset.tokenPath ?? '', { method: 'POST', body });
      const answer = await res.json();
      if (res.ok && answer.access_token) {
        accessToken = answer.access_token;
        show(status, `Token received; it expires in ${answer.expires_in} s.`);
      } else {
        accessToken = '';
        show(status, `No token: ${res.status} ${answer.error ?? ''} ${answer.error_description ?? ''}`);
      }
    } catch (e) {
      show(status, `No token: ${e}`);
    }
  });

  for (const form of document.querySelectorAll('form.try')) {
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      const output = form.querySelector('output');
      const data = new FormData(form);
      const path = (form.dataset.path ?? '').replace(/\{([^}]+)\}/g, (_m, name) => encodeURIComponent(String(data.get(name) ?? '')));
      const headers = { authorization: `Bearer ${accessToken}` };
      const init = { method: form.dataset.method, headers };
      const body = data.get('body');
      if (typeof body === 'string' && body.trim() !== '') {
        headers['content-type'] = 'application/json';
        init.body = body;
      }
      if (!accessToken) show(output, 'Sending without a token: get one first (Try a request, above).');
      try {
        const res = await fetch(path, init);
        show(output, `${res.status} ${res.statusText}\n${await answerText(res)}`);
      } catch (e) {
        show(output, `The request failed: ${e}`);
      }
    });
  }
}

setUp();
