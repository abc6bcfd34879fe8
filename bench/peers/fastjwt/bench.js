// fast-jwt's verified-token cache hit, on the tokens of BM_Verify/<ALG>/cached
// (manual side-by-side benchmark; not part of CI). See README.md here.
//
//   JVE_BENCH_EXPORT=/tmp/jve-tokens build/bench/jve_bench --benchmark_filter='/cached$'
//   node bench.js /tmp/jve-tokens
//
// Prints one line per algorithm: ns per cache hit (median of 5 timed runs).
'use strict';
const fs = require('fs');
const path = require('path');
const crypto = require('crypto');
const { createVerifier } = require('fast-jwt');

const kNow = 1700000000; // bench_util.h: the benchmark tokens' clock
const kIssuer = 'https://auth.example.com/';
const kAudience = 'https://api.example.com';
const algs = ['HS256', 'HS384', 'HS512', 'RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512',
              'ES256', 'ES384', 'ES512', 'EdDSA'];

function keyOf(jwks) {
  const jwk = JSON.parse(jwks).keys[0];
  if (jwk.kty === 'oct') return Buffer.from(jwk.k, 'base64url');
  return crypto.createPublicKey({ key: jwk, format: 'jwk' }).export({ type: 'spki', format: 'pem' });
}

function timeHits(verify, token, n) {
  const start = process.hrtime.bigint();
  for (let i = 0; i < n; ++i) verify(token);
  return Number(process.hrtime.bigint() - start) / n;
}

const dir = process.argv[2];
if (!dir) {
  console.error('usage: node bench.js DIR (the JVE_BENCH_EXPORT directory)');
  process.exit(2);
}
console.log(`fast-jwt ${require('fast-jwt/package.json').version}, node ${process.version}`);
for (const alg of algs) {
  const tokenFile = path.join(dir, `${alg}.token`);
  if (!fs.existsSync(tokenFile)) continue;
  const token = fs.readFileSync(tokenFile, 'utf8').trim();
  const verify = createVerifier({
    key: keyOf(fs.readFileSync(path.join(dir, `${alg}.jwks`), 'utf8')),
    algorithms: [alg],
    allowedIss: kIssuer,
    allowedAud: kAudience,
    clockTimestamp: kNow * 1000,
    cache: true,
  });
  const payload = verify(token); // the miss that fills the cache
  if (payload.iss !== kIssuer) throw new Error(`${alg}: unexpected payload`);
  timeHits(verify, token, 200000); // JIT warm-up
  const runs = [];
  for (let r = 0; r < 5; ++r) runs.push(timeHits(verify, token, 200000));
  runs.sort((a, b) => a - b);
  const miss = createVerifier({
    key: keyOf(fs.readFileSync(path.join(dir, `${alg}.jwks`), 'utf8')),
    algorithms: [alg], allowedIss: kIssuer, allowedAud: kAudience, clockTimestamp: kNow * 1000,
  });
  const uncached = timeHits(miss, token, alg.startsWith('HS') ? 20000 : 2000);
  console.log(`${alg.padEnd(6)} cache hit ${runs[2].toFixed(0).padStart(6)} ns   uncached verify ${uncached.toFixed(0).padStart(7)} ns`);
}
