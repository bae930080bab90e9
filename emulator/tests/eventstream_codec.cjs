// The AWS SDK for JavaScript's event-stream codec (npm @smithy/eventstream-codec, from
// web/node_modules), for tests/test_eventstream_codec.py. Reads JSON from stdin:
//   {"encode": [{"headers": {name: {type, value}}, "body": base64}, ...],
//    "decode": [base64 frame, ...]}
// and prints {"encoded": [base64 ...], "decoded": [{"headers": {...}, "body": base64} | {"error"}]}.
// Binary header values travel as base64, timestamps as epoch milliseconds, longs as strings.
const path = require('node:path');
const { createRequire } = require('node:module');

const webRequire = createRequire(path.resolve(__dirname, '../../web/package.json'));
const { EventStreamCodec } = webRequire('@smithy/eventstream-codec');
const { toUtf8, fromUtf8 } = webRequire('@smithy/util-utf8');
const { Int64 } = webRequire('@smithy/eventstream-codec');

const codec = new EventStreamCodec(toUtf8, fromUtf8);

function toHeaderValue({ type, value }) {
  switch (type) {
    case 'binary':
      return { type, value: new Uint8Array(Buffer.from(value, 'base64')) };
    case 'timestamp':
      return { type, value: new Date(value) };
    case 'long':
      return { type, value: Int64.fromNumber(Number(value)) };
    default:
      return { type, value };
  }
}

function fromHeaderValue({ type, value }) {
  switch (type) {
    case 'binary':
      return { type, value: Buffer.from(value).toString('base64') };
    case 'timestamp':
      return { type, value: value.getTime() };
    case 'long':
      return { type, value: value.toString() };
    default:
      return { type, value };
  }
}

let input = '';
process.stdin.on('data', (chunk) => (input += chunk));
process.stdin.on('end', () => {
  const request = JSON.parse(input);
  const encoded = (request.encode ?? []).map(({ headers, body }) => {
    const h = Object.fromEntries(Object.entries(headers).map(([k, v]) => [k, toHeaderValue(v)]));
    return Buffer.from(codec.encode({ headers: h, body: new Uint8Array(Buffer.from(body, 'base64')) })).toString('base64');
  });
  const decoded = (request.decode ?? []).map((frame) => {
    try {
      const message = codec.decode(new Uint8Array(Buffer.from(frame, 'base64')));
      const headers = Object.fromEntries(Object.entries(message.headers).map(([k, v]) => [k, fromHeaderValue(v)]));
      return { headers, body: Buffer.from(message.body).toString('base64') };
    } catch (error) {
      return { error: String(error.message ?? error) };
    }
  });
  process.stdout.write(JSON.stringify({ encoded, decoded }));
});
