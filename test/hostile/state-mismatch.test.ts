// Hostile provider, state-mismatch: an authorization response whose state belongs to no journey.
// The authorization response comes back with a state this journey did not send. The browser's journey with
// this provider ends in ERROR (invalid_callback) instead of waiting until the session expires.
import { rejectedCase } from './support.ts';

rejectedCase('state-mismatch', 'invalid_callback', { detail: /state/ });
