import fc from 'fast-check';

/**
 * fast-check arbitraries of PostgreSQL LITERAL TEXT (what `'…'::type` would read), one family per type. They are
 * sent as parameters and cast by the server (`$1::float8`), so the primary stores exactly what the server parses,
 * including values no JS type can hold (-0, NaN, 20-digit integers, microseconds, infinity, lower bounds).
 */

type Arb = fc.Arbitrary<string>;

/** Specials as often as random values: the edge cases are the point. */
const mixed = (special: readonly string[], random: Arb): Arb =>
  fc.oneof({ arbitrary: fc.constantFrom(...special), weight: 1 }, { arbitrary: random, weight: 1 });

const pad = (n: number | bigint, width: number) => String(n).padStart(width, '0');

// ── text ──────────────────────────────────────────────────────────────────────────────────────────────────────

/** Pieces that break naive quoting: SQL, array, composite, JSON and CSV syntax, the word NULL, odd Unicode. */
const HOSTILE_TEXT = [
  '',
  "'",
  "''",
  '"',
  '""',
  '\\',
  '\\\\',
  '\\"',
  ',',
  '{',
  '}',
  '{}',
  '(',
  ')',
  '[',
  ']',
  ' ',
  '  ',
  '\t',
  '\n',
  '\r\n',
  'NULL',
  'null',
  'Null',
  '$$',
  '--',
  '/*',
  ';',
  ':',
  '=',
  '&',
  '<',
  '>',
  'é',
  'ß',
  'ǅ',
  '😀',
  '👨‍👩‍👧',
  '\u00a0',
  '\u200b',
  '\u2028',
  '\u0001',
  '\u007f',
];

/** Any text a PostgreSQL text value can hold (everything but U+0000). */
export const textValue: Arb = fc
  .array(fc.oneof(fc.constantFrom(...HOSTILE_TEXT), fc.string({ unit: 'grapheme', maxLength: 6 })), {
    maxLength: 6,
  })
  .map((parts) => parts.join('').replaceAll('\u0000', ''));

/** Non-empty, printable-ish words (lexemes, XML text). */
const word: Arb = fc
  .array(
    fc.oneof(
      fc.constantFrom('a', 'fat', 'rat', "it's", 'back\\slash', 'é', '😀', 'NULL', 'x y', 'a,b', '"q"'),
      fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 5 }),
    ),
    { minLength: 1, maxLength: 3 },
  )
  .map((parts) => parts.join(''))
  .filter((w) => w.trim() !== '' && !w.includes('\u0000'));

// ── arrays and composites: the quoting rules of their text input ─────────────────────────────────────────────

/** One array element: NULL unquoted, everything else double-quoted with `"` and `\` escaped. */
export function arrayElement(value: string | null): string {
  return value === null ? 'NULL' : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

export const arrayLiteral = (elements: readonly (string | null)[]): string =>
  `{${elements.map(arrayElement).join(',')}}`;

/** One composite field: empty for NULL, else double-quoted (so '' and ' x ' survive). */
export function compositeField(value: string | null): string {
  return value === null ? '' : `"${value.replace(/["\\]/g, '\\$&')}"`;
}

const nullable = (arb: Arb, freq = 5): fc.Arbitrary<string | null> => fc.option(arb, { freq });

export const textArray: Arb = fc.oneof(
  fc.constant('{}'),
  fc.constant('{NULL}'),
  fc.constant('{"NULL"}'),
  fc.array(nullable(textValue, 3), { minLength: 1, maxLength: 5 }).map(arrayLiteral),
);

// ── numbers ───────────────────────────────────────────────────────────────────────────────────────────────────

const INT8_MIN = -(2n ** 63n);
const INT8_MAX = 2n ** 63n - 1n;

export const int2: Arb = mixed(['-32768', '32767', '0'], fc.integer({ min: -32768, max: 32767 }).map(String));
export const int4: Arb = mixed(
  ['-2147483648', '2147483647', '0'],
  fc.integer({ min: -2147483648, max: 2147483647 }).map(String),
);
export const int8: Arb = mixed(
  [String(INT8_MIN), String(INT8_MAX), '9007199254740993', '-9007199254740993', '12345678901234567'],
  fc.bigInt({ min: INT8_MIN, max: INT8_MAX }).map(String),
);

/** A decimal with `scale` digits after the point, from an integer of up to `digits` digits. */
function decimal(digits: number, scale: number): Arb {
  const limit = 10n ** BigInt(digits) - 1n;
  return fc.bigInt({ min: -limit, max: limit }).map((n) => {
    if (scale === 0) return String(n);
    const abs = n < 0n ? -n : n;
    const text = pad(abs, scale + 1);
    return `${n < 0n ? '-' : ''}${text.slice(0, -scale)}.${text.slice(-scale)}`;
  });
}

/** An integer of up to `digits` digits, as numeric text. */
export const integerText = (digits: number): Arb =>
  mixed(['0', '-0', '9007199254740993', `-${'9'.repeat(digits)}`], decimal(digits, 0));

const anyScaleDecimal: Arb = fc
  .tuple(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 0, max: 20 }))
  .chain(([digits, scale]) => decimal(digits, scale));

/** Unconstrained numeric: huge, scaled (trailing zeros kept), exponent input, the three specials. */
export const numeric: Arb = mixed(
  [
    'NaN',
    'Infinity',
    '-Infinity',
    '0',
    '-0',
    '0.000',
    '1.50',
    '12345678901234.123456',
    '12345678901234567890',
    '123456789012345678901234567890.123456789012345678901234567890',
    '1.5e-20',
    '-1e30',
    '0.00000000000000000001',
  ],
  anyScaleDecimal,
);

/** numeric(30, 6): at most 24 integer digits; more scale is rounded by the server (same on both sides). */
export const numeric30x6: Arb = mixed(
  ['NaN', '0', '-0.000001', '999999999999999999999999.999999', '1.5', '1.0000004', '1.0000005'],
  fc
    .tuple(fc.integer({ min: 1, max: 30 }), fc.integer({ min: 0, max: 8 }))
    .chain(([digits, scale]) => decimal(Math.min(digits, 24 + scale), scale)),
);

/** A JS double printed so that the server reads it back exactly ('-0' kept). */
const doubleText = (d: number) => (Object.is(d, -0) ? '-0' : String(d));

export const float8: Arb = mixed(
  [
    '-0',
    '0',
    'NaN',
    'Infinity',
    '-Infinity',
    '1.7976931348623157e308',
    '-1.7976931348623157e308',
    '2.2250738585072014e-308',
    '2.225073858507201e-308',
    '5e-324',
    '-5e-324',
    '0.1',
    '1e23',
    '9007199254740993',
    '3.141592653589793',
  ],
  fc.double().map(doubleText),
);

export const float4: Arb = mixed(
  [
    '-0',
    '0',
    'NaN',
    'Infinity',
    '-Infinity',
    '3.4028235e38',
    '-3.4028235e38',
    '1.1754944e-38',
    '1.1754942e-38',
    '1e-45',
    '1.4e-45',
    '0.1',
    '16777217',
  ],
  fc.float().map(doubleText),
);

// ── JSON: text with whitespace, duplicate keys, numbers beyond double ────────────────────────────────────────

const jsonSpace = fc.constantFrom('', ' ', '  ', '\n', '\t', ' \n ');
const jsonNumber: Arb = mixed(
  [
    '12345678901234.123456',
    '12345678901234567890',
    '1.50',
    '-0',
    '-0.0',
    '0',
    '1e400',
    '1E-7',
    '2.5e+3',
    '123456789012345678901234567890.000000000000000001',
    '0.1',
    '9007199254740993',
    '-9223372036854775809',
  ],
  fc.oneof(fc.integer().map(String), fc.double({ noNaN: true, noDefaultInfinity: true }).map(doubleText)),
);
/** JSON strings, sometimes with escapes a parser would normalise (\u00e9, \/). */
const jsonString: Arb = fc.oneof(
  textValue.map((s) => JSON.stringify(s)),
  fc.constantFrom('"\\u00e9"', '"\\/"', '"a\\tb"', '"\\ud83d\\ude00"', '"NULL"', '""'),
);
const jsonKey: Arb = fc.oneof(
  fc.constantFrom('"a"', '"id"', '"amount"', '"rate"', '"é"', '""', '"a b"', '"\\"q\\""', '"NULL"'),
  jsonString,
);

export const jsonText: Arb = fc.letrec<{ value: string }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    jsonNumber,
    jsonString,
    fc.constantFrom('true', 'false', 'null'),
    fc
      .array(fc.tuple(jsonSpace, tie('value'), jsonSpace), { maxLength: 4 })
      .map((items) => `[${items.map(([a, v, b]) => `${a}${v}${b}`).join(',')}]`),
    fc
      .array(fc.tuple(jsonSpace, jsonKey, jsonSpace, tie('value'), jsonSpace), { maxLength: 4 })
      .map((pairs) => `{${pairs.map(([a, k, b, v, c]) => `${a}${k}${b}:${v}${c}`).join(',')}}`),
  ),
})).value;

/** Objects with the money-ish numbers of the issue, duplicate keys and odd whitespace, then anything. */
export const json: Arb = fc.oneof(
  fc.constantFrom(
    '{"amount": 12345678901234.123456, "id": 12345678901234567890, "rate": 1.50}',
    '{"a":1,"a":2}',
    '{ "a" : 1 ,\n "b":[1.0, 2.50, -0] }',
    '[]',
    '"NULL"',
    'null',
    '1e400',
  ),
  fc.tuple(jsonSpace, jsonText, jsonSpace).map(([a, v, b]) => `${a}${v}${b}`),
);

// ── binary, bits ─────────────────────────────────────────────────────────────────────────────────────────────

export const bytea: Arb = fc
  .uint8Array({ maxLength: 48 })
  .map((bytes) => `\\x${Buffer.from(bytes).toString('hex')}`);

const bits = (min: number, max: number): Arb =>
  fc.array(fc.constantFrom('0', '1'), { minLength: min, maxLength: max }).map((b) => b.join(''));
export const bit8: Arb = bits(8, 8);
export const varbit: Arb = bits(0, 70);

// ── date and time ────────────────────────────────────────────────────────────────────────────────────────────

const micros = fc.integer({ min: 0, max: 999_999 });
const clock = fc
  .tuple(
    fc.integer({ min: 0, max: 23 }),
    fc.integer({ min: 0, max: 59 }),
    fc.integer({ min: 0, max: 59 }),
    micros,
  )
  .map(([h, m, s, us]) => `${pad(h, 2)}:${pad(m, 2)}:${pad(s, 2)}.${pad(us, 6)}`);
const dayIn = (maxYear: number) =>
  fc
    .tuple(
      fc.integer({ min: 1, max: maxYear }),
      fc.integer({ min: 1, max: 12 }),
      fc.integer({ min: 1, max: 28 }),
    )
    .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`);
/** A calendar day and its era suffix: AD up to 9999, BC down to 4712 (the server's lower limit is 4713 BC). */
const day: fc.Arbitrary<readonly [string, string]> = fc.oneof(
  { weight: 3, arbitrary: dayIn(9999).map((d) => [d, ''] as const) },
  { weight: 1, arbitrary: dayIn(4712).map((d) => [d, ' BC'] as const) },
);
const offset = fc
  .tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 14 }), fc.constantFrom(0, 30, 45))
  .map(([sign, h, m]) => `${sign}${pad(h, 2)}:${pad(m, 2)}`);

export const date: Arb = mixed(
  ['infinity', '-infinity', 'epoch', '4713-01-01 BC', '5874897-12-31', '2024-02-29', '0001-01-01'],
  day.map(([d, e]) => `${d}${e}`),
);
export const time: Arb = mixed(['00:00:00', '24:00:00', '23:59:59.999999', 'allballs', '12:00'], clock);
export const timetz: Arb = mixed(
  ['00:00:00+00', '24:00:00-15:59', '23:59:59.999999+15:59', '12:34:56.000001-03:30'],
  fc.tuple(clock, offset).map(([c, o]) => `${c}${o}`),
);
export const timestamp: Arb = mixed(
  [
    'infinity',
    '-infinity',
    'epoch',
    '4713-01-01 00:00:00 BC',
    '294276-12-31 23:59:59.999999',
    '2024-02-29 12:34:56.000001',
    '1999-12-31 23:59:59.5',
  ],
  fc.tuple(day, clock).map(([[d, e], c]) => `${d} ${c}${e}`),
);
export const timestamptz: Arb = mixed(
  [
    'infinity',
    '-infinity',
    'epoch',
    '4713-01-01 00:00:00+00 BC',
    '294276-12-31 23:59:59.999999+00',
    '2024-03-31 01:59:59.999999+01',
    '2000-01-01 00:00:00.000001-12:00',
  ],
  fc.tuple(day, clock, offset).map(([[d, e], c, o]) => `${d} ${c}${o}${e}`),
);

export const interval: Arb = mixed(
  [
    '00:00:00.000001',
    '-00:00:00.000001',
    '1 day -1 second',
    'P1Y2M3DT4H5M6.789S',
    '178000000 years',
    '-178000000 years',
    '@ 1 year 2 mons ago',
    '0',
  ],
  fc
    .tuple(
      fc.integer({ min: -10_000, max: 10_000 }),
      fc.integer({ min: -1000, max: 1000 }),
      fc.integer({ min: -1_000_000, max: 1_000_000 }),
      fc.constantFrom('', '-'),
      fc.integer({ min: 0, max: 100_000 }),
      fc.integer({ min: 0, max: 59 }),
      fc.integer({ min: 0, max: 59 }),
      micros,
    )
    .map(
      ([y, mo, d, sign, h, mi, s, us]) =>
        `${y} years ${mo} mons ${d} days ${sign}${h}:${pad(mi, 2)}:${pad(s, 2)}.${pad(us, 6)}`,
    ),
);

// ── money, network, identifiers ──────────────────────────────────────────────────────────────────────────────

export const money: Arb = mixed(
  ['0', '-92233720368547758.08', '92233720368547758.07', '0.01', '-0.01', '1234.5'],
  fc.bigInt({ min: INT8_MIN, max: INT8_MAX }).map((cents) => {
    const abs = cents < 0n ? -cents : cents;
    return `${cents < 0n ? '-' : ''}${abs / 100n}.${pad(abs % 100n, 2)}`;
  }),
);

const ipv4Bytes = fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 });
const ipv6Groups = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
const v6 = (groups: readonly number[]) => groups.map((g) => g.toString(16)).join(':');

export const inet: Arb = mixed(
  [
    '0.0.0.0',
    '255.255.255.255/32',
    '192.168.0.1/24',
    '::',
    '::1',
    '::ffff:1.2.3.4',
    '2001:db8::1/64',
    'fe80::1',
  ],
  fc.oneof(
    fc
      .tuple(ipv4Bytes, fc.option(fc.integer({ min: 0, max: 32 })))
      .map(([b, mask]) => `${b.join('.')}${mask === null ? '' : `/${mask}`}`),
    fc
      .tuple(ipv6Groups, fc.option(fc.integer({ min: 0, max: 128 })))
      .map(([g, mask]) => `${v6(g)}${mask === null ? '' : `/${mask}`}`),
  ),
);

/** cidr refuses host bits: they are cleared before printing. */
export const cidr: Arb = mixed(
  ['0.0.0.0/0', '10.0.0.0/8', '192.168.1.0/24', '::/0', '2001:db8::/32', '1.2.3.4/32', '::1/128'],
  fc.oneof(
    fc.tuple(ipv4Bytes, fc.integer({ min: 0, max: 32 })).map(([b, mask]) => {
      const n = b.reduce((acc, x) => (acc << 8n) | BigInt(x), 0n);
      const kept = mask === 0 ? 0n : (n >> BigInt(32 - mask)) << BigInt(32 - mask);
      const out = [24n, 16n, 8n, 0n].map((s) => (kept >> s) & 255n);
      return `${out.join('.')}/${mask}`;
    }),
    fc.tuple(ipv6Groups, fc.integer({ min: 0, max: 128 })).map(([g, mask]) => {
      const n = g.reduce((acc, x) => (acc << 16n) | BigInt(x), 0n);
      const kept = mask === 0 ? 0n : (n >> BigInt(128 - mask)) << BigInt(128 - mask);
      const out = Array.from({ length: 8 }, (_, i) => Number((kept >> BigInt(112 - 16 * i)) & 0xffffn));
      return `${v6(out)}/${mask}`;
    }),
  ),
);

const hexBytes = (n: number) =>
  fc
    .array(fc.integer({ min: 0, max: 255 }), { minLength: n, maxLength: n })
    .map((b) => b.map((x) => x.toString(16).padStart(2, '0')));
export const macaddr: Arb = fc
  .tuple(hexBytes(6), fc.constantFrom(':', '-', '.'))
  .map(([b, sep]) =>
    sep === '.' ? `${b.slice(0, 2).join('')}.${b.slice(2, 4).join('')}.${b.slice(4).join('')}` : b.join(sep),
  );
export const macaddr8: Arb = fc.oneof(
  hexBytes(8).map((b) => b.join(':')),
  hexBytes(6).map((b) => b.join('-')),
);

export const uuid: Arb = fc
  .tuple(fc.uuid(), fc.constantFrom('plain', 'upper', 'braces', 'compact'))
  .map(([u, form]) =>
    form === 'upper'
      ? u.toUpperCase()
      : form === 'braces'
        ? `{${u}}`
        : form === 'compact'
          ? u.replaceAll('-', '')
          : u,
  );

// ── ranges ───────────────────────────────────────────────────────────────────────────────────────────────────

function range<T>(bound: fc.Arbitrary<T>, compare: (a: T, b: T) => number, print: (v: T) => string): Arb {
  return fc.oneof(
    fc.constantFrom('empty', '(,)', '[,]'),
    fc
      .tuple(
        fc.option(bound, { freq: 4 }),
        fc.option(bound, { freq: 4 }),
        fc.constantFrom('[', '('),
        fc.constantFrom(']', ')'),
      )
      .map(([a, b, open, close]) => {
        const [lo, hi] = a !== null && b !== null && compare(a, b) > 0 ? [b, a] : [a, b];
        return `${open}${lo === null ? '' : print(lo)},${hi === null ? '' : print(hi)}${close}`;
      }),
  );
}

export const int4range: Arb = range(
  fc.integer({ min: -2147483648, max: 2147483646 }),
  (a, b) => a - b,
  String,
);

/** Bounds as (integer, scale) pairs compared exactly. */
export const numrange: Arb = range(
  fc.tuple(fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }), fc.integer({ min: 0, max: 8 })),
  ([a, sa], [b, sb]) => {
    const x = a * 10n ** BigInt(sb);
    const y = b * 10n ** BigInt(sa);
    return x < y ? -1 : x > y ? 1 : 0;
  },
  ([n, scale]) => {
    if (scale === 0) return String(n);
    const abs = n < 0n ? -n : n;
    const text = pad(abs, scale + 1);
    return `${n < 0n ? '-' : ''}${text.slice(0, -scale)}.${text.slice(-scale)}`;
  },
);

const MS_MIN = -62_135_596_800_000; // 0001-01-01T00:00:00Z, the first instant toISOString prints plainly
const MS_MAX = Date.UTC(9999, 11, 31, 23, 59, 59, 999);
const instant = fc.tuple(
  fc.bigInt({ min: BigInt(MS_MIN), max: BigInt(MS_MAX) }).map(Number),
  fc.integer({ min: 0, max: 999 }),
);
export const tstzrange: Arb = fc.oneof(
  fc.constantFrom(
    '[-infinity,infinity]',
    '(-infinity,infinity)',
    '["2024-01-01 00:00:00.000001+00",infinity)',
    '[2024-01-01 00:00:00.5+05:30,2024-01-01 00:00:00.5+05:30]',
  ),
  range(
    instant,
    ([a, ua], [b, ub]) => a - b || ua - ub,
    ([ms, us]) => `"${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}${pad(us, 3)}+00"`,
  ),
);

export const tsrange: Arb = fc.oneof(
  fc.constantFrom(
    '[-infinity,infinity]',
    '["2024-01-01 00:00:00.000001",infinity)',
    '(,"294276-12-31 23:59:59.999999"]',
  ),
  range(
    instant,
    ([a, ua], [b, ub]) => a - b || ua - ub,
    ([ms, us]) => `"${new Date(ms).toISOString().replace('T', ' ').replace('Z', '')}${pad(us, 3)}"`,
  ),
);

const DAY_MS = 86_400_000;
/** Days from 2000-01-01, within years 0084–3916 (plain ISO years for toISOString). */
export const daterange: Arb = fc.oneof(
  fc.constantFrom('[-infinity,infinity)', '[2024-02-29,infinity)', 'empty'),
  range(
    fc.integer({ min: -700_000, max: 700_000 }),
    (a, b) => a - b,
    (d) => new Date(Date.UTC(2000, 0, 1) + d * DAY_MS).toISOString().slice(0, 10),
  ),
);

export const int8range: Arb = range(
  fc.bigInt({ min: INT8_MIN, max: INT8_MAX - 1n }),
  (a, b) => (a < b ? -1 : a > b ? 1 : 0),
  String,
);

/** Multiranges: any list of ranges (the server sorts and merges them). */
const multirange = (r: Arb): Arb => fc.array(r, { maxLength: 4 }).map((items) => `{${items.join(',')}}`);
export const int4multirange: Arb = multirange(int4range);
export const tstzmultirange: Arb = multirange(tstzrange);

// ── geometry: float8 coordinates ─────────────────────────────────────────────────────────────────────────────

const coordinate: Arb = mixed(
  ['-0', '0', '1.5', '-1e-300', '1e300', '0.1', '5e-324'],
  fc.double({ noNaN: true, noDefaultInfinity: true }).map(doubleText),
);
const pointText = fc.tuple(coordinate, coordinate).map(([x, y]) => `(${x},${y})`);
const points = (min: number) => fc.array(pointText, { minLength: min, maxLength: 5 }).map((p) => p.join(','));

export const point: Arb = mixed(
  ['(0,0)', '(-0,-0)', '(NaN,Infinity)', '(1.7976931348623157e308,5e-324)'],
  pointText,
);
export const line: Arb = mixed(
  ['{1,-1,0}', '{0,1,-0}', '{1e300,-1e-300,0.1}'],
  fc
    .tuple(coordinate, coordinate, coordinate)
    .filter(([a, b]) => Math.abs(Number(a)) >= 1e-6 || Math.abs(Number(b)) >= 1e-6) // the server's FPzero
    .map(([a, b, c]) => `{${a},${b},${c}}`),
);
export const lseg: Arb = fc.tuple(pointText, pointText).map(([a, b]) => `[${a},${b}]`);
export const box: Arb = fc.tuple(pointText, pointText).map(([a, b]) => `${a},${b}`);
export const path: Arb = fc
  .tuple(points(1), fc.boolean())
  .map(([p, closed]) => (closed ? `(${p})` : `[${p}]`));
export const polygon: Arb = points(1).map((p) => `(${p})`);
export const circle: Arb = fc
  .tuple(pointText, fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }))
  .map(([c, r]) => `<${c},${doubleText(r)}>`);

// ── documents and search ─────────────────────────────────────────────────────────────────────────────────────

const xmlEscape = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c] as string);
const xmlName = fc.stringMatching(/^[a-z][a-z0-9_-]{0,5}$/);
/** Printable XML 1.0 text (no control characters other than tab/newline). */
const xmlChar = (c: string) => {
  const code = c.codePointAt(0) ?? 0;
  return code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff);
};
const xmlText = textValue.map((s) => Array.from(s).filter(xmlChar).join(''));
const xmlNode: Arb = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    xmlText.map(xmlEscape),
    xmlText.map((t) => `<![CDATA[${t.replaceAll(']]>', '')}]]>`),
    xmlText.map((t) => `<!--${t.replaceAll('--', '').replace(/-$/, '')}-->`),
    fc
      .tuple(xmlName, fc.option(fc.tuple(xmlName, xmlText)), fc.array(tie('node'), { maxLength: 3 }))
      .map(([name, attr, children]) => {
        const a = attr === null ? '' : ` ${attr[0]}="${xmlEscape(attr[1])}"`;
        return children.length === 0 ? `<${name}${a}/>` : `<${name}${a}>${children.join('')}</${name}>`;
      }),
  ),
})).node;
export const xml: Arb = mixed(
  ['<a x="1">t&amp;</a>', 'plain text', '<?xml version="1.0"?><r/>', '', '<a>  </a>\n'],
  fc.array(xmlNode, { maxLength: 3 }).map((n) => n.join('')),
);

const lexeme = word.map((w) => `'${w.replace(/['\\]/g, (c) => (c === "'" ? "''" : '\\\\'))}'`);
export const tsvector: Arb = fc
  .array(
    fc.tuple(
      lexeme,
      fc.array(fc.tuple(fc.integer({ min: 1, max: 16383 }), fc.constantFrom('', 'A', 'B', 'C', 'D')), {
        maxLength: 3,
      }),
    ),
    { maxLength: 5 },
  )
  .map((items) =>
    items
      .map(([lex, pos]) => (pos.length === 0 ? lex : `${lex}:${pos.map(([p, w]) => `${p}${w}`).join(',')}`))
      .join(' '),
  );

export const tsquery: Arb = fc.letrec<{ q: string }>((tie) => ({
  q: fc.oneof(
    { depthSize: 'small' },
    fc.tuple(lexeme, fc.constantFrom('', ':*', ':A', ':AB*')).map(([l, suffix]) => `${l}${suffix}`),
    tie('q').map((q) => `!(${q})`),
    fc
      .tuple(tie('q'), fc.constantFrom('&', '|', '<->', '<2>'), tie('q'))
      .map(([a, op, b]) => `(${a}) ${op} (${b})`),
  ),
})).q;

// ── small built-ins ──────────────────────────────────────────────────────────────────────────────────────────

export const bool: Arb = fc.constantFrom('true', 'false', 't', 'f', 'yes', 'off', '1', '0');
export const pgLsn: Arb = fc
  .tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff }))
  .map(([hi, lo]) => `${hi.toString(16).toUpperCase()}/${lo.toString(16).toUpperCase()}`);
export const char1: Arb = fc
  .string({ unit: 'binary-ascii', minLength: 1, maxLength: 1 })
  .filter((c) => c !== '\u0000');
/** Text of at most `n` characters (code points, as varchar(n) counts them), trailing spaces included. */
export const textUpTo = (n: number): Arb => textValue.map((s) => Array.from(s).slice(0, n).join(''));

export const oid: Arb = fc.bigInt({ min: 0n, max: 4294967295n }).map(String);

/** pg_snapshot 'xmin:xmax:xip,…' with xmin <= xip < xmax. */
export const pgSnapshot: Arb = fc
  .tuple(
    fc.integer({ min: 3, max: 1_000_000 }),
    fc.integer({ min: 0, max: 20 }),
    fc.array(fc.nat(19), { maxLength: 4 }),
  )
  .map(([xmin, span, offsets]) => {
    const xips = [...new Set(offsets.filter((o) => o < span))].sort((a, b) => a - b).map((o) => xmin + o);
    return `${xmin}:${xmin + span}:${xips.join(',')}`;
  });

const jsonpathKey = fc.oneof(
  fc.stringMatching(/^[a-z][a-z0-9_]{0,5}$/),
  textValue.map((k) => JSON.stringify(k)),
);
export const jsonpath: Arb = mixed(
  [
    '$',
    'strict $.store.book[0 to last].price',
    'lax $."key with space"[*] ? (@ > 1.5)',
    '$ ? (@ like_regex "^a.*" flag "i")',
    '$.a.datetime()',
    '1 + 2.50',
    '$[*] ? (@.x == null && @.y != "NULL")',
    '$.size() + 12345678901234567890',
  ],
  fc
    .tuple(
      fc.constantFrom('', 'lax ', 'strict '),
      fc.array(jsonpathKey, { minLength: 1, maxLength: 3 }),
      fc.boolean(),
    )
    .map(([m, keys, any]) => `${m}$.${keys.join('.')}${any ? '[*]' : ''}`),
);

// ── arrays of the above ──────────────────────────────────────────────────────────────────────────────────────

export const int8Array: Arb = fc.array(nullable(int8), { maxLength: 5 }).map(arrayLiteral);
/** Without NULL elements: Drizzle's own `bigint({ mode: 'bigint' }).array()` cannot read those (BigInt(null)). */
export const int8ArrayNoNulls: Arb = fc.array(int8, { maxLength: 5 }).map(arrayLiteral);
export const boolArray: Arb = fc.array(nullable(bool), { maxLength: 5 }).map(arrayLiteral);
export const float8Array: Arb = fc.array(nullable(float8), { maxLength: 5 }).map(arrayLiteral);
export const numericArray: Arb = fc.array(nullable(numeric), { maxLength: 5 }).map(arrayLiteral);
export const timestamptzArray: Arb = fc.array(nullable(timestamptz), { maxLength: 4 }).map(arrayLiteral);
export const timestampArray: Arb = fc.array(nullable(timestamp), { maxLength: 4 }).map(arrayLiteral);
export const dateArray: Arb = fc.array(nullable(date), { maxLength: 4 }).map(arrayLiteral);
export const intervalArray: Arb = fc.array(nullable(interval), { maxLength: 4 }).map(arrayLiteral);
export const byteaArray: Arb = fc.array(nullable(bytea), { maxLength: 3 }).map(arrayLiteral);
export const uuidArray: Arb = fc.array(nullable(uuid), { maxLength: 3 }).map(arrayLiteral);
export const jsonbArray: Arb = fc.array(nullable(json), { maxLength: 3 }).map(arrayLiteral);

/** int4[] of one or two dimensions, sometimes with explicit (non-default) lower bounds: '[2:3]={1,2}'. */
export const int4Array: Arb = fc.oneof(
  fc.constantFrom('{}', '[2:3]={1,2}', '[0:1][1:2]={{1,2},{3,NULL}}', '[-5:-5]={7}', '{{1},{2}}'),
  fc
    .tuple(
      fc.integer({ min: 1, max: 3 }),
      fc.integer({ min: 1, max: 3 }),
      fc.boolean(),
      fc.option(fc.tuple(fc.integer({ min: -3, max: 5 }), fc.integer({ min: -3, max: 5 }))),
      fc.array(fc.option(int4, { freq: 6 }), { minLength: 9, maxLength: 9 }),
    )
    .map(([rows, cols, twoDims, bounds, cells]) => {
      const cell = (i: number) => cells[i] ?? 'NULL';
      if (!twoDims) {
        const body = `{${Array.from({ length: cols }, (_, i) => cell(i)).join(',')}}`;
        return bounds === null ? body : `[${bounds[0]}:${bounds[0] + cols - 1}]=${body}`;
      }
      const body = `{${Array.from(
        { length: rows },
        (_, r) => `{${Array.from({ length: cols }, (_, c) => cell(r * 3 + c)).join(',')}}`,
      ).join(',')}}`;
      return bounds === null
        ? body
        : `[${bounds[0]}:${bounds[0] + rows - 1}][${bounds[1]}:${bounds[1] + cols - 1}]=${body}`;
    }),
);

/** text[][] (2×N) with quoting-hostile elements. */
export const textMatrix: Arb = fc
  .tuple(fc.integer({ min: 1, max: 3 }), fc.array(nullable(textValue, 3), { minLength: 6, maxLength: 6 }))
  .map(([cols, cells]) => `{${[0, 1].map((r) => arrayLiteral(cells.slice(r * 3, r * 3 + cols))).join(',')}}`);

// ── user-defined types (see the catalogue's DDL) ─────────────────────────────────────────────────────────────

export const ENUM_LABELS = [
  'sad',
  'ok',
  'happy',
  'with space',
  "it's",
  'a,b',
  'x"y',
  'NULL',
  'back\\slash',
  'é😀',
] as const;
export const enumLabel: Arb = fc.constantFrom(...ENUM_LABELS);

/** Domain over numeric(20, 4) with CHECK (value >= 0). */
export const amount: Arb = mixed(
  ['0', '0.0000', '9999999999999999.9999', '1.50', '0.00005', 'NaN'],
  fc
    // at most 15 integer digits: rounding to scale 4 may carry one more (numeric(20, 4) holds 16)
    .tuple(fc.bigInt({ min: 0n, max: 10n ** 15n - 1n }), fc.integer({ min: 0, max: 6 }))
    .map(([n, scale]) => (scale === 0 ? String(n) : `${n}.${pad(n % 10n ** BigInt(scale), scale)}`)),
);

/** Composite (amount numeric, "the label" text, at timestamptz, tags text[]). */
export const composite: Arb = fc
  .tuple(nullable(numeric), nullable(textValue, 3), nullable(timestamptz), nullable(textArray))
  .map((fields) => `(${fields.map(compositeField).join(',')})`);

export const compositeArray: Arb = fc.array(nullable(composite), { maxLength: 3 }).map(arrayLiteral);
