import { describe, expect, it } from 'vitest';
import { bearerChallenge, bearerToken } from '../src/index.js';

const TOKEN = 'operator-token-0123456789';

describe('bearerToken', () => {
  it('tells a missing header from a wrong or malformed one, and accepts only the token', () => {
    const token = bearerToken(TOKEN);
    expect(token.check(null)).toBe('missing');
    for (const wrong of [
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(1)}`,
      'Bearer',
      '',
      `Basic ${TOKEN}`,
      TOKEN,
    ])
      expect(token.check(wrong), wrong).toBe('wrong');
    for (const ok of [`Bearer ${TOKEN}`, `bearer ${TOKEN}`, `Bearer   ${TOKEN} `])
      expect(token.check(ok), ok).toBe('ok');
  });

  it('answers both refusals with a Bearer challenge (RFC 6750: an error code only when a token was sent)', () => {
    expect(bearerChallenge('missing')).toBe('Bearer');
    expect(bearerChallenge('wrong')).toBe('Bearer error="invalid_token"');
  });

  it('refuses short tokens with the caller’s code', () => {
    expect(() => bearerToken('short')).toThrow(expect.objectContaining({ code: 'InvalidOptions' }));
    expect(() => bearerToken('short', 'InvalidHealthConfig')).toThrow(
      expect.objectContaining({ code: 'InvalidHealthConfig' }),
    );
  });
});
