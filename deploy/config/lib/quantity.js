'use strict';
// Kubernetes resource quantities -> numbers: cpu in millicores, memory in MiB.

const BIN = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DEC = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, K: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

function parse(q) {
  if (typeof q === 'number') return q;
  const s = String(q).trim();
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|K|M|G|T|P|E)?$/.exec(s);
  if (!m) throw new Error(`not a Kubernetes quantity: "${q}"`);
  const n = Number(m[1]);
  const suf = m[2] || '';
  return n * (BIN[suf] || DEC[suf]);
}

const cpuMillis = (q) => Math.round(parse(q) * 1000 * 1e6) / 1e6;
const memMiB = (q) => Math.round((parse(q) / 2 ** 20) * 1e6) / 1e6;

function fmtCpu(m) { return m % 1000 === 0 ? `${m / 1000}` : `${m}m`; }
function fmtMem(mi) { return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`; }

module.exports = { parse, cpuMillis, memMiB, fmtCpu, fmtMem };
