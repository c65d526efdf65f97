import { describe, expect, it } from 'vitest';
import { publicTeam } from './public-team.js';

describe('publicTeam', () => {
  it('shows where webhooks point but not their secret path', () => {
    const team = publicTeam({
      id: 'growth',
      name: 'Growth',
      channels: [
        { type: 'slack', url: 'https://hooks.slack.com/services/T000/B000/s3cr3t' },
        { type: 'webhook', url: 'not a url' },
        { type: 'file', path: '.tessera/alerts/growth.log' },
      ],
    });
    expect(team.channels).toEqual([
      { type: 'slack', url: 'https://hooks.slack.com/…' },
      { type: 'webhook', url: '…' },
      { type: 'file', path: '.tessera/alerts/growth.log' },
    ]);
    expect(JSON.stringify(team)).not.toContain('s3cr3t');
  });
});
