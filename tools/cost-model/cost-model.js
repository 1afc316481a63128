#!/usr/bin/env node
'use strict';
// tools/cost-model/cost-model.js — monthly AWS cost of smart-router per tier and per user, and
// what sharing LITE and PRO on one tier saves compared with a tier each. README.md explains the
// model. Needs the npm packages of deploy/terraform/validate-tool (run
// deploy/terraform/validate-tool/ensure-deps.sh, or `npm ci --prefix deploy/terraform/validate-tool`).
//
// Options (defaults in brackets):
//   --users N              total users [100000]
//   --premium-share F      fraction of users on the premium tier (ELITE..VOID) [0.05]
//   --pro-share F          fraction of all users who are PRO; LITE is the rest [0.25]
//   --pro-load-weight W    load of one PRO user relative to one LITE user [1]
//   --load L               baseline | peak | both [both]
//   --json                 machine-readable output
//   --strict               fail instead of falling back to scaling-config.yaml when a
//                          manifest number is missing
//   --root DIR             repository root [two levels above this file]
//   --config FILE --k8s DIR --terraform DIR --prices FILE   override the input locations

const path = require('path');
const fs = require('fs');
const { gatherInputs } = require('./lib/inputs');
const { compute } = require('./lib/model');
const { report } = require('./lib/format');

function parseArgs(argv) {
  const o = { users: 100000, premiumShare: 0.05, proShare: 0.25, proLoadWeight: 1, load: 'both', json: false, strict: false, root: path.resolve(__dirname, '..', '..') };
  for (let i = 2; i < argv.length; i++) {
    const a = argv[i];
    const num = () => { const v = Number(argv[++i]); if (!Number.isFinite(v)) throw new Error(`${a} needs a number`); return v; };
    const str = () => { if (i + 1 >= argv.length) throw new Error(`${a} needs a value`); return argv[++i]; };
    switch (a) {
      case '--users': o.users = num(); break;
      case '--premium-share': o.premiumShare = num(); break;
      case '--pro-share': o.proShare = num(); break;
      case '--pro-load-weight': o.proLoadWeight = num(); break;
      case '--load': o.load = str(); break;
      case '--json': o.json = true; break;
      case '--strict': o.strict = true; break;
      case '--root': o.root = path.resolve(str()); break;
      case '--config': o.config = path.resolve(str()); break;
      case '--k8s': o.k8s = path.resolve(str()); break;
      case '--terraform': o.terraform = path.resolve(str()); break;
      case '--prices': o.prices = path.resolve(str()); break;
      case '-h': case '--help': {
        const lines = fs.readFileSync(__filename, 'utf8').split('\n');
        console.log(lines.filter((l) => l.startsWith('//')).map((l) => l.replace(/^\/\/ ?/, '')).join('\n'));
        process.exit(0);
      }
      // falls through
      default: throw new Error(`unknown argument ${a}`);
    }
  }
  if (!['baseline', 'peak', 'both'].includes(o.load)) throw new Error('--load must be baseline, peak or both');
  if (!(o.users > 0)) throw new Error('--users must be > 0');
  for (const [k, v] of [['--premium-share', o.premiumShare], ['--pro-share', o.proShare]]) if (!(v >= 0 && v <= 1)) throw new Error(`${k} must be within 0..1`);
  o.config = o.config || path.join(o.root, 'deploy/config/scaling-config.yaml');
  o.k8s = o.k8s || path.join(o.root, 'deploy/k8s');
  o.terraform = o.terraform || path.join(o.root, 'deploy/terraform');
  o.prices = o.prices || path.join(__dirname, 'prices.yaml');
  return o;
}

async function main() {
  let o;
  try { o = parseArgs(process.argv); } catch (e) { console.error(`cost-model: ${e.message}`); process.exit(2); }
  try {
    const inputs = await gatherInputs(o);
    const res = compute(inputs, o);
    if (o.json) console.log(JSON.stringify(res, null, 2));
    else console.log(report(res, inputs, { pricesSource: `${path.relative(o.root, o.prices)} (see its header for the source and date)` }));
  } catch (e) {
    console.error(`cost-model: ${e.message}`);
    process.exit(1);
  }
}

main();
