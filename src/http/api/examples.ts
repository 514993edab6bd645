// Examples for the OpenAPI document, copied from real responses: a journey against the ID-porten simulator
// (the create request, the created session, the session after login), one against a provider answering at
// a lower level than requested (the ERROR session), and a refused request (the error object). Session and
// account ids, the pseudonyms, the host names, the browser's address and user agent and the trace id are
// replaced by stable fake ones; the
// person is one of the simulator's synthetic test people. test/openapi-examples.test.ts checks each
// against its schema in the generated document and against the shape of a fresh real response.

const SESSION_ID = '3f2c8a61-0b7e-4d2a-9c55-6e1f0a9b7d42';
const ERROR_SESSION_ID = '8d0e5b7c-2a41-4f36-b9d8-1c7a6e3f5024';
const ACCOUNT_ID = 'a-exmp-4JpQ7nW2sXc9Lr5Tb8Kd';
const BROKER = 'https://eidgate.example.com';
const APP = 'https://app.example.com';

const REQUESTED_ATTRIBUTES = ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth', 'idpId', 'idportenIdp', 'idportenLoa', 'idportenSub'];

/** A create request in Signicat's shape. */
export const createSessionRequestExample = {
  flow: 'redirect',
  language: 'nb',
  requestedLoa: 'substantial',
  allowedProviders: ['idporten'],
  requestedAttributes: REQUESTED_ATTRIBUTES,
  callbackUrls: { success: `${APP}/login/success`, abort: `${APP}/login/abort`, error: `${APP}/login/error` },
  externalReference: 'order-1234',
};

const callbackUrls = (id: string) => ({
  success: `${APP}/login/success?sessionId=${id}`,
  abort: `${APP}/login/abort?sessionId=${id}`,
  error: `${APP}/login/error?sessionId=${id}`,
});

/** The answer to that request. */
export const createdSessionExample = {
  id: SESSION_ID,
  accountId: ACCOUNT_ID,
  authenticationUrl: `${BROKER}/login/${SESSION_ID}`,
  status: 'CREATED',
  callbackUrls: callbackUrls(SESSION_ID),
  flow: 'redirect',
  requestedAttributes: REQUESTED_ATTRIBUTES,
  sessionLifetime: 1200,
  expiresAt: '2026-05-04T10:20:00.000+00:00',
  allowedProviders: ['idporten'],
  language: 'nb',
  requestedLoa: 'substantial',
  externalReference: 'order-1234',
};

/** The same session after the person logged in with BankID (the browser landed on the success callback). */
export const successSessionExample = {
  ...createdSessionExample,
  status: 'SUCCESS',
  provider: 'idporten',
  subject: {
    id: 'qZ3x9T0bKf1mWl8eR2yV6nH4sJ-cA5dG0pU3iO9t_1M=',
    idpId: '14838529179',
    name: 'Kari Nordmann',
    firstName: 'Kari',
    lastName: 'Nordmann',
    dateOfBirth: '1985-03-14',
    nin: { value: '14838529179', issuingCountry: 'NO', type: 'BIRTH' },
    idportenIdp: 'BankID',
    idportenLoa: 'idporten-loa-high',
    idportenSub: 'Xb7Qm2LkP9sV4nR1tY6wE3zA8cF5gH0jU2iO7dK4lMq',
  },
  loa: 'high',
  sessionNonce: 'Hk2vQ9sLm4Xc7Tq1Zr8Wn3Bp6Jd0Ya5Fe2Gu9Ki4Ot7=',
  transactionId: 'tR4nS7aC2tI9oN3iD6xY1z',
  environment: {
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0 Safari/537.36',
  },
};

/** A session that asked for `high` and came back at `substantial`: ERROR with the code and the detail. */
export const errorSessionExample = {
  id: ERROR_SESSION_ID,
  accountId: ACCOUNT_ID,
  authenticationUrl: `${BROKER}/login/${ERROR_SESSION_ID}`,
  status: 'ERROR',
  callbackUrls: callbackUrls(ERROR_SESSION_ID),
  flow: 'redirect',
  requestedAttributes: REQUESTED_ATTRIBUTES,
  sessionLifetime: 1200,
  expiresAt: '2026-05-04T10:24:00.000+00:00',
  statusDetail: 'The person authenticated at idporten-loa-substantial, below the requested high.',
  provider: 'idporten',
  sessionNonce: 'Pz8cW1nVb6Mq3Ls9Xt2Ry5Kd0Hf7Ga4Je1Uo8Ti6Ew3=',
  transactionId: 'eR7rS2aC9tI4oN1iD8xY5z',
  environment: {
    ipAddress: '203.0.113.7',
    userAgent: 'Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/138.0 Safari/537.36',
  },
  error: {
    type: 'urn:eidgate:session-error:loa_too_low',
    title: 'Authentication failed',
    detail: 'The person authenticated at idporten-loa-substantial, below the requested high.',
    code: 'loa_too_low',
  },
  allowedProviders: ['idporten'],
  language: 'nb',
  requestedLoa: 'high',
};

const HEADLESS_ID = '5b9d2e47-81c3-4a6f-a0d2-7e3c9f14b860';

/** A headless Swedish BankID request (Signicat's SDK shape): the service shows the QR code in its own app. */
export const headlessRequestExample = {
  flow: 'headless',
  allowedProviders: ['sbid'],
  requestedAttributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth'],
  language: 'sv',
  externalReference: 'order-1234',
  additionalParameters: { sbid_flow: 'QR', sbid_end_user_ip: '203.0.113.7' },
};

/** Its answer: the order is started; idpData carries the QR code's content now and the autostart token. */
export const headlessSessionExample = {
  id: HEADLESS_ID,
  accountId: ACCOUNT_ID,
  authenticationUrl: `${BROKER}/login/${HEADLESS_ID}`,
  status: 'CREATED',
  flow: 'headless',
  requestedAttributes: ['nin', 'name', 'firstName', 'lastName', 'dateOfBirth'],
  sessionLifetime: 1200,
  expiresAt: '2026-05-04T10:20:00.000+00:00',
  allowedProviders: ['sbid'],
  language: 'sv',
  externalReference: 'order-1234',
  statusUrl: `${BROKER}/auth/rest/sessions/${HEADLESS_ID}`,
  idpData: {
    autoStartToken: 'f0c9d6db-c586-4acb-b2ba-323b54e42504',
    qrData: 'bankid.67df3917-fa0d-44e5-b327-edcc928297f8.3.9ae3d9e5a4a1b1d0f6ac6e4e4b48bb1f0a7ea9d3c1f4b5e6a7d8c9b0a1f2e3d4',
  },
};

/** A create request with a level of assurance that does not exist. */
export const invalidParamsErrorExample = {
  type: 'urn:eidgate:error:invalid_request_parameter',
  title: 'Invalid request parameter',
  detail: 'Your request body parameters have failed validation.',
  code: 'invalid_request_parameter',
  status: 400,
  traceId: '155f459ceea54d12b4b9c7f10d8e40b9',
  invalidParams: [{ name: 'requestedLoa', reason: 'must be one of: low, substantial, high' }],
};

/** components.examples: each named example with the schema (components.schemas) it is an instance of. */
export const EXAMPLES = {
  CreateSessionRequest: {
    schema: 'SessionRequest',
    summary: "A redirect login with ID-porten (Signicat's request shape)",
    value: createSessionRequestExample,
  },
  HeadlessSessionRequest: {
    schema: 'SessionRequest',
    summary: 'A headless login with Swedish BankID: the service shows the QR code itself',
    value: headlessRequestExample,
  },
  CreatedSession: { schema: 'Session', summary: 'The session just created (CREATED)', value: createdSessionExample },
  HeadlessSession: {
    schema: 'Session',
    summary: 'A headless session just created: idpData (QR code content now, autostart token) and statusUrl',
    value: headlessSessionExample,
  },
  SuccessSession: { schema: 'Session', summary: 'After the person logged in (SUCCESS, with subject)', value: successSessionExample },
  ErrorSession: { schema: 'Session', summary: 'The login failed (ERROR, with error and statusDetail)', value: errorSessionExample },
  InvalidParamsError: { schema: 'Error', summary: 'A refused request (400, with invalidParams)', value: invalidParamsErrorExample },
} as const;

export type ExampleName = keyof typeof EXAMPLES;

/** Where each example is shown: operation ("method path"), then 'request' or a response status. */
export const EXAMPLE_USES: { operation: string; at: 'request' | string; examples: ExampleName[] }[] = [
  { operation: 'post /auth/rest/sessions', at: 'request', examples: ['CreateSessionRequest', 'HeadlessSessionRequest'] },
  { operation: 'post /auth/rest/sessions', at: '200', examples: ['CreatedSession', 'HeadlessSession'] },
  { operation: 'post /auth/rest/sessions', at: '400', examples: ['InvalidParamsError'] },
  { operation: 'get /auth/rest/sessions/{id}', at: '200', examples: ['SuccessSession', 'ErrorSession', 'CreatedSession'] },
];
