// follow.test.ts: the protocol's follow extension, on the wire and in the session.
import { describe, expect, it } from 'vitest';
import { decodeServerFrame, encode } from '../src/protocol';
import { ClientSession } from '../src/client-session';

describe('follow extension', () => {
  it('decodes follow in presence and user objects, and refuses a bad id', () => {
    const presence = decodeServerFrame('{"type":"presence","user":"u2-1","v":0,"sel":[],"follow":"u1-abc"}');
    expect(presence).toMatchObject({ type: 'presence', follow: 'u1-abc' });
    const join = decodeServerFrame('{"type":"join","user":{"user":"u2-1","client":"client-0002","name":"B",'
      + '"color":"#112233","v":0,"sel":[],"follow":"u1-abc"}}');
    expect(join).toMatchObject({ type: 'join', user: { follow: 'u1-abc' } });
    expect(() => decodeServerFrame('{"type":"presence","user":"u2","v":0,"sel":[],"follow":"no spaces!"}')).toThrow();
    expect(() => decodeServerFrame('{"type":"presence","user":"u2","v":0,"sel":[],"follow":7}')).toThrow();
  });

  it('sends whom the session follows with its presence', () => {
    const sent: string[] = [];
    const session = new ClientSession({ client: 'client-follow-1', name: 'A' });
    session.on('send', (frame) => sent.push(frame));
    session.connected();
    session.receive('{"type":"welcome","user":"u1-me","v":0,"language":"c","title":"","users":[],"text":"abc"}');
    session.setFollowing('u2-leader');
    const presence = sent.map((f) => JSON.parse(f)).filter((m) => m.type === 'presence').at(-1);
    expect(presence).toMatchObject({ type: 'presence', v: 0, follow: 'u2-leader' });
    expect(encode({ type: 'presence', v: 0, sel: [] })).not.toContain('follow');
  });
});
