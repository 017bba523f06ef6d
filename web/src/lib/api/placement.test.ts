import { describe, expect, it } from 'vitest';
import { ApiRequestError } from './errors';
import { placeError } from './placement';

const fields = ['name', 'email', 'password'] as const;

describe('placeError', () => {
  it('puts a wrong-credentials message in the form alert, not in a toast', () => {
    const err = new ApiRequestError(401, 'invalid_credentials', 'Incorrect email or password');
    expect(placeError(err, fields)).toEqual({
      fields: {},
      alert: 'Incorrect email or password',
      toast: null
    });
  });

  it('marks the fields the server named and keeps its summary in the alert', () => {
    const err = new ApiRequestError(400, 'validation_failed', 'Some fields need attention', {
      password: 'This password is too common. Choose one that is harder to guess'
    });
    expect(placeError(err, fields)).toEqual({
      fields: { password: 'This password is too common. Choose one that is harder to guess' },
      alert: 'Some fields need attention',
      toast: null
    });
  });

  it('does not repeat a message that a field already shows', () => {
    const err = new ApiRequestError(409, 'email_taken', 'Email taken', { email: 'Email taken' });
    expect(placeError(err, fields).alert).toBeNull();
  });

  it('does not drop messages for fields the form does not have', () => {
    const err = new ApiRequestError(400, 'validation_failed', 'Some fields need attention', {
      token: 'This reset link is not valid'
    });
    const placed = placeError(err, fields);
    expect(placed.fields).toEqual({});
    expect(placed.alert).toBe('Some fields need attention This reset link is not valid');
  });

  it('toasts connection and server failures, which are not about what was typed', () => {
    const offline = new ApiRequestError(0, 'network', 'We could not reach KS Pay.');
    expect(placeError(offline, fields)).toEqual({
      fields: {},
      alert: null,
      toast: 'We could not reach KS Pay.'
    });
    const down = new ApiRequestError(503, 'unavailable', 'Try again shortly');
    expect(placeError(down, fields).toast).toBe('Try again shortly');
  });

  it('toasts everything when there is no form', () => {
    const err = new ApiRequestError(401, 'unauthorized', 'Sign in again');
    expect(placeError(err)).toEqual({ fields: {}, alert: null, toast: 'Sign in again' });
  });
});
