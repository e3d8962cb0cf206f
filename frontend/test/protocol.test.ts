import { describe, expect, it } from 'vitest';
import clientFrames from '../../tests/data/protocol/client-frames.json?raw';
import serverFrames from '../../tests/data/protocol/server-frames.json?raw';
import {
  type ClientMessage,
  ProtocolError,
  decodeServerFrame,
  encode,
  isValidClientId,
  isValidColor,
  newClientId,
} from '../src/protocol';
import { type TextOp, normalize } from '../src/text-op';


interface Golden {
  valid: { name: string; frame?: Record<string, unknown>; text?: string; encoded?: string }[];
  invalid: { name: string; text?: string; base64?: string; repeat?: number; code: string }[];
}

const server = JSON.parse(serverFrames) as Golden;
const client = JSON.parse(clientFrames) as Golden;

function frameText(f: { text?: string; base64?: string; repeat?: number }): string {
  const one = f.text ?? new TextDecoder().decode(Uint8Array.from(atob(f.base64 ?? ''), (c) => c.charCodeAt(0)));
  return f.repeat !== undefined ? one.repeat(f.repeat) : one;
}

function codeOf(text: string): string | null {
  try {
    decodeServerFrame(text);
    return null;
  } catch (e) {
    expect(e).toBeInstanceOf(ProtocolError);
    return (e as ProtocolError).code;
  }
}

describe('server frames (tests/data/protocol/server-frames.json)', () => {
  it('has frames to test', () => {
    expect(server.valid.length).toBeGreaterThan(10);
    expect(server.invalid.length).toBeGreaterThan(10);
  });

  for (const f of server.valid) {
    it(`decodes ${f.name}`, () => {
      const text = JSON.stringify(f.frame);
      const msg = decodeServerFrame(text);
      // Every field of the frame survives decoding, unchanged.
      expect(msg).toEqual(f.frame);
    });
  }

  for (const f of server.invalid) {
    it(`refuses ${f.name} with ${f.code}`, () => {
      expect(codeOf(frameText(f))).toBe(f.code);
    });
  }
});

/* Of the client-direction refusals, the ones about the JSON itself apply to
 * server frames too (browsers refuse invalid UTF-8 before we see a frame; the
 * frame limit is the daemon's, not the client's). */
const JSON_LEVEL = [
  'truncated-json',
  'not-json',
  'empty',
  'whitespace-only',
  'array-at-top',
  'string-at-top',
  'no-type',
  'numeric-type',
  'null-type',
  'trailing-data',
  'two-objects',
  'single-quotes',
  'trailing-comma',
  'comment',
  'leading-zero',
  'unknown-escape',
  'raw-tab-in-string',
  'byte-order-mark',
  'nul-byte',
  'nul-byte-in-string',
  'deep-nesting-100000',
  'deep-nesting-objects',
  'depth-65',
];

describe('client frames (tests/data/protocol/client-frames.json)', () => {
  for (const name of JSON_LEVEL) {
    it(`refuses ${name} from a server too`, () => {
      const f = client.invalid.find((x) => x.name === name);
      expect(f).toBeDefined();
      expect(codeOf(frameText(f!))).toBe('bad_message');
    });
  }

  it('refuses hello from a server', () => {
    for (const f of client.invalid.filter((x) => x.name.startsWith('hello-'))) {
      if (f.text === undefined) continue;
      expect(codeOf(frameText(f))).toBe('bad_message');
    }
    for (const f of client.valid.filter((x) => x.name.startsWith('hello-'))) {
      expect(codeOf(frameText(f))).toBe('bad_message');
    }
  });

  it('ignores unknown types', () => {
    expect(decodeServerFrame('{"type":"bogus","x":1}')).toEqual({ type: 'unknown', unknownType: 'bogus' });
    expect(decodeServerFrame('{"type":"Hello"}')).toEqual({ type: 'unknown', unknownType: 'Hello' });
    expect(decodeServerFrame('{"type":"unknown"}')).toEqual({ type: 'unknown', unknownType: 'unknown' });
  });

  it('encodes every valid client frame as the daemon does', () => {
    let n = 0;
    for (const f of client.valid) {
      const raw = JSON.parse(f.text!) as Record<string, unknown>;
      if (raw.v !== undefined && !Number.isSafeInteger(raw.v)) continue; // beyond JS numbers
      let msg: ClientMessage;
      switch (raw.type) {
        case 'hello':
          msg = { type: 'hello', client: raw.client as string, name: raw.name as string };
          if (raw.color !== undefined) msg.color = raw.color as string;
          if (raw.v !== undefined) msg.v = raw.v as number;
          if (raw.token !== undefined) msg.token = raw.token as string;
          break;
        case 'op':
          msg = { type: 'op', v: raw.v as number, seq: raw.seq as number, op: normalize(raw.op as TextOp) };
          break;
        case 'presence':
          msg = { type: 'presence', v: raw.v as number, sel: raw.sel as [number, number][] };
          if (raw.view !== undefined) msg.view = raw.view as [number, number];
          break;
        case 'meta':
          msg = { type: 'meta' };
          if (raw.language !== undefined) msg.language = raw.language as string;
          if (raw.title !== undefined) msg.title = raw.title as string;
          break;
        case 'complete':
          msg = { type: 'complete', id: raw.id as number, v: raw.v as number, position: raw.position as number };
          if (raw.max !== undefined) msg.max = raw.max as number;
          break;
        default:
          throw new Error(`unexpected ${String(raw.type)}`);
      }
      expect(encode(msg), f.name).toBe(f.encoded ?? f.text);
      n++;
    }
    expect(n).toBeGreaterThan(20);
  });
});

describe('decoding details', () => {
  const welcome = (extra: string): string =>
    `{"type":"welcome","user":"u1","v":3,"language":"c","title":"","users":[]${extra}}`;

  it('ignores unknown fields, keeps name of op entries', () => {
    const msg = decodeServerFrame(welcome(',"text":"x","future":{"a":[1,2.5,null]}'));
    expect(msg).toEqual({ type: 'welcome', user: 'u1', v: 3, language: 'c', title: '', users: [], text: 'x' });
  });

  it('normalizes ops', () => {
    const msg = decodeServerFrame('{"type":"op","v":2,"op":[1,2,"a","b",{"d":1},{"d":2}],"user":"u","client":"abcdefgh","seq":1}');
    expect(msg.type === 'op' && msg.op).toEqual([3, 'ab', { d: 3 }]);
  });

  it('tells bad_op from bad_message as libpairpad does', () => {
    const op = (o: string): string => `{"type":"op","v":1,"op":${o},"user":"u1","client":"abcdefgh","seq":1}`;
    expect(codeOf(op('[0]'))).toBe('bad_op');
    expect(codeOf(op('[1.5]'))).toBe('bad_op');
    expect(codeOf(op('[99999999999999999999]'))).toBe('bad_op');
    expect(codeOf(op('["a\\u0000"]'))).toBe('bad_op');
    expect(codeOf(op('[{"d":1,"x":1}]'))).toBe('bad_op');
    expect(codeOf(op('null'))).toBe('bad_op');
    // A lone surrogate elsewhere in the frame is bad_message.
    expect(codeOf('{"type":"leave","user":"u\\ud800"}')).toBe('bad_message');
    expect(codeOf(welcome(',"ops":[{"v":4,"op":["\\ud800"],"user":"u1","client":"abcdefgh","seq":1}]'))).toBe('bad_message');
    expect(codeOf(welcome(',"text":null'))).toBe('bad_message');
    expect(codeOf(welcome(',"text":"","ops":[]'))).toBe('bad_message');
    expect(codeOf('{"type":"presence","user":"u2","v":1,"sel":[[1,2,3]]}')).toBe('bad_message');
    expect(codeOf('{"type":"presence","user":"u2","v":1,"sel":[],"view":[3,1]}')).toBe('bad_message');
    expect(codeOf('{"type":"error","code":"x","message":"m","seq":-1}')).toBe('bad_message');
    expect(codeOf('{"type":"meta","user":"u","language":"","title":""}')).toBe('bad_message');
    expect(codeOf(`{"type":"meta","user":"u","language":"c","title":"${'t'.repeat(257)}"}`)).toBe('bad_message');
    expect(codeOf(`{"type":"meta","user":"u","language":"c","title":"${'🙂'.repeat(256)}"}`)).toBe(null);
  });

  it('makes valid ids and checks colors', () => {
    for (let i = 0; i < 50; i++) expect(isValidClientId(newClientId())).toBe(true);
    expect(isValidClientId('abc')).toBe(false);
    expect(isValidColor('#A0b1C2')).toBe(true);
    expect(isValidColor('#A0b1C')).toBe(false);
  });
});
