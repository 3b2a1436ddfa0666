import { NextRequest } from 'next/server.js';
import { describe, expect, it } from 'vitest';
import { terraWebhook } from '../../src/adapters/next.js';
import { createWebhookHandler } from '../../src/webhooks/handler.js';
import { describeAdapter, viaRequest } from '../support/adapter-contract.js';
import { activityEvent, deliveryHeaders, SECRET } from '../support/webhooks.js';

describeAdapter('next (App Router route handler)', async (handler) => {
  const POST = terraWebhook(handler);
  return {
    send: viaRequest((request) => POST(new NextRequest(request)), 'http://localhost:3000/api/webhooks/terra'),
  };
});

describe('next route handler', () => {
  it('hands a listener that outlives the deadline to the waitUntil it was given (next/server after)', async () => {
    const body = JSON.stringify(activityEvent(2));
    const kept: Promise<unknown>[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const handler = createWebhookHandler({ secret: SECRET, deadlineMs: 10 }).on('activity', () => gate);
    const POST = terraWebhook(handler, { waitUntil: (p) => kept.push(p) });
    const response = await POST(
      new NextRequest('http://localhost:3000/api/webhooks/terra', {
        method: 'POST',
        body,
        headers: deliveryHeaders(body),
      }),
    );
    expect(response.status).toBe(200);
    expect(kept).toHaveLength(1);
    release();
    await kept[0];
  });
});
